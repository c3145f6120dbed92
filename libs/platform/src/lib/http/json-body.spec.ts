import { Body, Controller, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Public } from '../auth/principal';
import { MAX_REPORTED_ERRORS } from '../errors/problems';
import { jsonDepthExceeds } from './json-body';

class ItemDto {
  @IsString() title!: string;
  @IsInt() count!: number;
}

class NestedDto {
  @IsOptional() @IsString() title?: string;
  @IsOptional() @IsObject() data?: Record<string, unknown>;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => ItemDto) items?: ItemDto[];
}

class RequiredDto {
  @IsString() title!: string;
}

@Public()
@Controller('api/test')
class HostileController {
  @Post('nested')
  create(@Body() dto: NestedDto) {
    return { ok: true, items: dto.items?.length ?? 0 };
  }

  @Post('bodiless')
  bodiless() {
    return { ok: true };
  }

  @Post('required')
  required(@Body() dto: RequiredDto) {
    return { title: dto.title };
  }
}


const nestedObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('hostile JSON bodies', () => {
  let t: PlatformTestApp;
  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [HostileController], env: { OKR_BODY_LIMIT_BYTES: String(4 * 1024 * 1024) } });
  });
  afterAll(() => t.close());

  const post = (payload: string) =>
    t.app.inject({ method: 'POST', url: '/api/test/nested', headers: { 'content-type': 'application/json' }, payload });

  it.each([
    ['a hundred thousand [', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['a hundred thousand unclosed [', '['.repeat(100_000)],
    ['a field nested 5,000 deep', `{"data":${nestedObject(5000)}}`],
    ['a field nested one level past the limit', `{"data":${nestedObject(32)}}`],
  ])('refuses %s with 400 problem+json before anything parses it', async (_, payload) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 400, code: 'json-too-deep', details: { maxDepth: 32 }, instance: '/api/test/nested' });
  });

  it('reads a body nested up to the limit, and brackets inside strings do not count', async () => {
    expect((await post(`{"data":${nestedObject(31)}}`)).statusCode).toBe(201);
    expect((await post(JSON.stringify({ title: '[[[[{{{{'.repeat(1000) + '\\"]' }))).statusCode).toBe(201);
  });

  it('reads an empty body declared as JSON as no body: a route without one answers, one with required fields names them', async () => {
    for (const payload of ['', '  \n']) {
      const none = await t.app.inject({ method: 'POST', url: '/api/test/bodiless', headers: { 'content-type': 'application/json' }, payload });
      expect({ status: none.statusCode, body: none.json() }).toEqual({ status: 201, body: { ok: true } });
      const required = await t.app.inject({ method: 'POST', url: '/api/test/required', headers: { 'content-type': 'application/json' }, payload });
      expect(required.statusCode).toBe(400);
      expect(required.json().errors).toEqual([{ field: 'title', message: 'title is required' }]);
    }
  });

  it('refuses prototype-pollution keys with 400 problem+json', async () => {
    for (const payload of ['{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}']) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('reports at most MAX_REPORTED_ERRORS field errors and says how many were left out', async () => {
    const items = Array.from({ length: 20_000 }, () => ({ title: 1, count: 'x' }));
    const payload = JSON.stringify({ items });
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(body.details).toEqual({ omittedErrors: 40_000 - MAX_REPORTED_ERRORS });
    expect(body.detail).toContain(`${40_000 - MAX_REPORTED_ERRORS} more errors are not shown`);
    expect(res.body.length).toBeLessThan(payload.length / 10);
  });
});

describe('jsonDepthExceeds', () => {
  it('counts nesting outside strings only, escapes included', () => {
    expect(jsonDepthExceeds('[[1]]', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[1]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('["[[[[", {"a": "\\"[[[["}]', 2)).toBe(false);
  });
});
