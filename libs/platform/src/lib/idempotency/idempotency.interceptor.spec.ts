import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IsObject, IsOptional, IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { ruleBroken } from '@okr/okr-domain';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { IDEMPOTENCY_STORE, InMemoryIdempotencyStore } from './idempotency-store';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { Permission } from '../auth/permission.decorator';

class CreateThing {
  @IsString() name!: string;
  @IsOptional() @IsObject() meta?: Record<string, unknown>;
}

const calls = { create: 0, fail: 0, slow: 0, remove: 0, list: 0 };
let releaseSlow: () => void = () => undefined;
let slowEntered: () => void = () => undefined;

@Controller('api/things')
class ThingsController {
  @Post()
  @Permission('self:write')
  create(@Body() body: CreateThing, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = ++calls.create;
    reply.header('Location', `/api/things/${id}`).header('ETag', '"0"');
    return { id, name: body.name };
  }

  @Post('other')
  @Permission('self:write')
  other(@Body() body: CreateThing) {
    return { other: body.name, n: ++calls.create };
  }

  @Post('fail')
  @Permission('self:write')
  fail() {
    calls.fail++;
    throw ruleBroken('thing-closed', 'The thing is closed.');
  }

  @Post('slow')
  @Permission('self:write')
  async slow() {
    calls.slow++;
    slowEntered();
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    return { slow: calls.slow };
  }

  @Delete(':id')
  @Permission('self:write')
  @HttpCode(204)
  remove(@Param('id') _id: string) {
    calls.remove++;
  }

  @Get()
  @Permission('tenant:read')
  list() {
    return { n: ++calls.list };
  }
}

describe('IdempotencyInterceptor', () => {
  let t: PlatformTestApp;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    t = await createPlatformTestApp({
      controllers: [ThingsController],
      providers: [
        { provide: IDEMPOTENCY_STORE, useValue: new InMemoryIdempotencyStore() },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    });
    acme = `Bearer ${await t.token({ tenant: 'acme' })}`;
    globex = `Bearer ${await t.token({ tenant: 'globex' })}`;
  });
  afterAll(() => t.close());
  beforeEach(() => Object.keys(calls).forEach((k) => (calls[k as keyof typeof calls] = 0)));

  const send = (method: 'POST' | 'DELETE' | 'GET', url: string, key: string | undefined, payload?: object, auth = acme) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: auth, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      ...(payload ? { payload } : {}),
    });

  it('replays the first response (status, body, Location, ETag) without running the handler again', async () => {
    const first = await send('POST', '/api/things', 'k-replay', { name: 'a' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const again = await send('POST', '/api/things', 'k-replay', { name: 'a' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['location']).toBe(first.headers['location']);
    expect(again.headers['etag']).toBe('"0"');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(calls.create).toBe(1);
  });

  it('treats the same JSON with keys in another order, and other spacing, as the same request', async () => {
    expect((await send('POST', '/api/things', 'k-order', { name: 'a', meta: { b: 1, a: [2, { y: 1, x: 0 }] } })).statusCode).toBe(201);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: { authorization: acme, 'idempotency-key': 'k-order', 'content-type': 'application/json' },
      payload: '{ "meta": { "a": [2, {"x": 0, "y": 1}], "b": 1 }, "name": "a" }',
    });
    expect(again.headers['idempotent-replayed']).toBe('true');
    const arrayOrder = await send('POST', '/api/things', 'k-order', { name: 'a', meta: { b: 1, a: [{ y: 1, x: 0 }, 2] } });
    expect(arrayOrder.statusCode).toBe(409);
    expect(calls.create).toBe(1);
  });

  it('answers the same key with another body with 409 idempotency-key-reused', async () => {
    await send('POST', '/api/things', 'k-reuse', { name: 'a' });
    const res = await send('POST', '/api/things', 'k-reuse', { name: 'b' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, code: 'idempotency-key-reused' });
    expect(calls.create).toBe(1);
  });

  it('scopes keys by tenant and by route', async () => {
    await send('POST', '/api/things', 'k-scope', { name: 'a' });
    const otherTenant = await send('POST', '/api/things', 'k-scope', { name: 'a' }, globex);
    expect(otherTenant.headers['idempotent-replayed']).toBeUndefined();
    const otherRoute = await send('POST', '/api/things/other', 'k-scope', { name: 'a' });
    expect(otherRoute.statusCode).toBe(201);
    expect(otherRoute.headers['idempotent-replayed']).toBeUndefined();
    expect(calls.create).toBe(3);
  });

  it("scopes keys by user: bob replaying alice's key runs his own request and never sees her answer", async () => {
    const alice = await send('POST', '/api/things', 'k-user', { name: 'secret plan' });
    const bob = await send('POST', '/api/things', 'k-user', { name: 'secret plan' }, `Bearer ${await t.token({ tenant: 'acme', user: 'bob' })}`);
    expect(bob.statusCode).toBe(201);
    expect(bob.headers['idempotent-replayed']).toBeUndefined();
    expect(bob.json().id).not.toBe(alice.json().id);
    expect(calls.create).toBe(2);
  });

  it('does not store errors: a retry of a failed command runs again', async () => {
    expect((await send('POST', '/api/things/fail', 'k-fail', {})).statusCode).toBe(422);
    expect((await send('POST', '/api/things/fail', 'k-fail', {})).statusCode).toBe(422);
    expect(calls.fail).toBe(2);
  });

  it('answers a duplicate that arrives while the first is running with 409 idempotency-key-in-flight', async () => {
    const entered = new Promise<void>((resolve) => (slowEntered = resolve));
    const first = send('POST', '/api/things/slow', 'k-slow', {});
    await entered;
    const duplicate = await send('POST', '/api/things/slow', 'k-slow', {});
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('idempotency-key-in-flight');
    expect(Number(duplicate.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    releaseSlow();
    expect((await first).statusCode).toBe(201);

    const retry = await send('POST', '/api/things/slow', 'k-slow', {});
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual({ slow: 1 });
    expect(calls.slow).toBe(1);
  });

  it('replays an empty 204', async () => {
    expect((await send('DELETE', '/api/things/1', 'k-delete')).statusCode).toBe(204);
    const again = await send('DELETE', '/api/things/1', 'k-delete');
    expect(again.statusCode).toBe(204);
    expect(again.body).toBe('');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(calls.remove).toBe(1);
  });

  it('rejects a key longer than 200 characters with 400 naming the header', async () => {
    const res = await send('POST', '/api/things', 'k'.repeat(201), { name: 'a' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 200 printable ASCII characters' }]);
    expect((await send('POST', '/api/things', 'k'.repeat(200), { name: 'a' })).statusCode).toBe(201);
  });

  it('leaves requests without a key, and reads, alone', async () => {
    await send('POST', '/api/things', undefined, { name: 'a' });
    await send('POST', '/api/things', undefined, { name: 'a' });
    expect(calls.create).toBe(2);
    await send('GET', '/api/things', 'k-get');
    const read = await send('GET', '/api/things', 'k-get');
    expect(read.headers['idempotent-replayed']).toBeUndefined();
    expect(calls.list).toBe(2);
  });
});
