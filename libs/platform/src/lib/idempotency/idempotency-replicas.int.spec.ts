import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '@okr/event-store';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { idempotencyProviders } from '../bootstrap/platform.module';
import { Permission } from '../auth/permission.decorator';

/** A write with a visible effect: one event per run, in the stream of the path's id. */
@Controller('api/effects')
class EffectController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Post(':id')
  @Permission('self:write')
  @HttpCode(201)
  async record(@Param('id') id: string, @Req() request: FastifyRequest) {
    // A command reads before it writes; this one takes a moment, as a real one over a network does.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const metadata = { tenantId: 'acme', actor: 'alice', correlationId: String(request.id), causationId: String(request.id), occurredAt: new Date().toISOString() };
    const result = await this.store.append(`effect-${id}`, [{ id: uuidv7(), type: 'EffectRecorded', data: { id }, metadata }], 'any');
    return { revision: result.nextExpectedRevision };
  }

  /** Writes, then fails before answering: the answer is lost, the effect is not. */
  @Post(':id/then-fail')
  @Permission('self:write')
  async recordThenFail(@Param('id') id: string, @Req() request: FastifyRequest) {
    await this.record(id, request);
    throw new Error('the process failed after writing');
  }
}

/**
 * Two replicas of a service (two app instances, each with its own connection to one SQLite data
 * folder) receive the same request with the same `Idempotency-Key` at the same moment, as a client
 * retrying through a load balancer does. The effect must happen once.
 */
describe('Idempotency-Key across replicas on one store', () => {
  let dir: string;
  const replicas: { app: PlatformTestApp; store: EventStore }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okr-idem-replicas-'));
    for (let index = 0; index < 2; index += 1) {
      const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
      const app = await createPlatformTestApp({
        controllers: [EffectController],
        providers: [{ provide: EVENT_STORE, useValue: store }, ...idempotencyProviders()],
        env: { OKR_DATA_DIR: dir },
      });
      replicas.push({ app, store });
    }
  });

  afterAll(async () => {
    for (const { app, store } of replicas) {
      await app.app.close();
      await store.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  const effects = async (id: string): Promise<number> => {
    let count = 0;
    for await (const _ of replicas[0].store.readStream(`effect-${id}`)) count += 1;
    return count;
  };

  it('records the effect of a key once in every one of 30 rounds of two racing replicas', async () => {
    const token = await replicas[0].app.token();
    const doubled: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      const id = `round-${round}`;
      const send = (replica: (typeof replicas)[number]) =>
        replica.app.app.inject({
          method: 'POST',
          url: `/api/effects/${id}`,
          headers: { authorization: `Bearer ${token}`, 'idempotency-key': `key-${round}` },
          payload: {},
        });
      const answers = await Promise.all(replicas.map(send));
      if ((await effects(id)) !== 1) doubled.push(round);
      // One replica ran it; the other replayed its answer or was told it is still in progress.
      for (const answer of answers) expect([201, 409]).toContain(answer.statusCode);
      expect(answers.some((answer) => answer.statusCode === 201 && answer.headers['idempotent-replayed'] === undefined)).toBe(true);
    }
    expect(doubled).toEqual([]);
  });

  it('never runs again a request that wrote before failing: retries on any replica get 409 idempotency-outcome-lost', async () => {
    const token = await replicas[0].app.token();
    const send = (replica: (typeof replicas)[number]) =>
      replica.app.app.inject({
        method: 'POST',
        url: '/api/effects/lost/then-fail',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'key-lost' },
        payload: {},
      });
    expect((await send(replicas[0])).statusCode).toBe(500);
    for (const replica of replicas) {
      const retry = await send(replica);
      expect(retry.statusCode).toBe(409);
      expect(retry.json()).toMatchObject({ code: 'idempotency-outcome-lost', details: { eventsApplied: 1 } });
    }
    expect(await effects('lost')).toBe(1);
  });
});
