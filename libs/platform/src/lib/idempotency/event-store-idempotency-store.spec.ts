import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, SqliteEventStore, openEventStore, type EventStore } from '@okr/event-store';
import { createPlatformTestApp, idempotencyStoreContract, type IdempotencyStoreContractSubject } from '../../testing';
import { idempotencyProviders } from '../bootstrap/platform.module';
import { EventStoreIdempotencyStore } from './event-store-idempotency-store';
import { InMemoryIdempotencyStore } from './idempotency-store';
import { Permission } from '../auth/permission.decorator';

/** The subject over one event store: every `open()` is another replica (or a restart) on it. */
const overEventStore = (store: EventStore, close: () => Promise<void>): IdempotencyStoreContractSubject => ({
  open: (options) => new EventStoreIdempotencyStore(store, options),
  recordEffect: async (correlationId) => {
    const metadata = { tenantId: 'acme', actor: 'alice', correlationId, causationId: correlationId, occurredAt: new Date().toISOString() };
    await store.append(`effect-${uuidv7()}`, [{ id: uuidv7(), type: 'EffectRecorded', data: {}, metadata }], 'no_stream');
  },
  cleanup: close,
});

idempotencyStoreContract('InMemoryIdempotencyStore', async () => {
  let store: InMemoryIdempotencyStore | undefined;
  return {
    open: ({ leaseMs, retentionMs }) =>
      retentionMs === undefined ? (store ??= new InMemoryIdempotencyStore(leaseMs)) : new InMemoryIdempotencyStore(leaseMs, retentionMs),
    cleanup: async () => undefined,
  };
});

idempotencyStoreContract('EventStoreIdempotencyStore over SQLite (replicas: one connection each)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'okr-idem-'));
  const file = join(dir, 'events.sqlite');
  const stores: SqliteEventStore[] = [SqliteEventStore.open({ file })];
  return {
    ...overEventStore(stores[0], async () => undefined),
    open: (options) => {
      const replica = SqliteEventStore.open({ file });
      stores.push(replica);
      return new EventStoreIdempotencyStore(replica, options);
    },
    cleanup: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const kurrentUrl = process.env['EVENTSTORE_URL'];
if (kurrentUrl) {
  idempotencyStoreContract('EventStoreIdempotencyStore over KurrentDB', async () => {
    const store = await openEventStore({ kind: 'kurrentdb', connectionString: kurrentUrl });
    return overEventStore(store, () => store.close());
  });

  describe('EventStoreIdempotencyStore over KurrentDB: $maxAge', () => {
    it("drops a key's record after the retention window, and the key then runs again", async () => {
      const store = await openEventStore({ kind: 'kurrentdb', connectionString: kurrentUrl });
      try {
        const idempotency = new EventStoreIdempotencyStore(store, { retentionMs: 1000 });
        const key = `scope-${uuidv7()}`;
        const who = { fingerprint: 'f1', tenantId: 'acme', actor: 'alice', correlationId: uuidv7() };
        const first = await idempotency.claim(key, who, new Date());
        if (first.kind !== 'claimed') throw new Error(`expected a claim, got ${first.kind}`);
        // The server drops it by its own clock: wait until a read no longer returns it.
        const stream = EventStoreIdempotencyStore.streamOf(key);
        const left = async () => {
          let count = 0;
          for await (const _event of store.readStream(stream)) count += 1;
          return count;
        };
        while ((await left()) > 0) await new Promise((r) => setTimeout(r, 250));
        const again = await idempotency.claim(key, { ...who, correlationId: uuidv7() }, new Date());
        expect(again.kind).toBe('claimed');
      } finally {
        await store.close();
      }
    });
  });
} else {
  console.warn('IdempotencyStore contract and $maxAge retention on KurrentDB skipped: EVENTSTORE_URL is not set');
  describe.skip('EventStoreIdempotencyStore over KurrentDB (skipped: EVENTSTORE_URL is not set)', () => {
    it('runs the IdempotencyStore contract against a live server', () => undefined);
  });
}

describe('EventStoreIdempotencyStore through HTTP', () => {
  it('replays after a restart of the service, without running the handler again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okr-idem-http-'));
    const file = join(dir, 'events.sqlite');
    let runs = 0;
    @Controller('api/restart')
    class RestartController {
      @Post()
      @Permission('self:write')
      create(@Res({ passthrough: true }) reply: FastifyReply) {
        runs++;
        reply.header('Location', '/api/restart/1');
        return { created: runs };
      }
    }
    const build = async () => {
      const events = SqliteEventStore.open({ file });
      const t = await createPlatformTestApp({
        controllers: [RestartController],
        providers: [{ provide: EVENT_STORE, useValue: events }, ...idempotencyProviders()],
        env: { OKR_DATA_DIR: dir },
      });
      return { t, close: async () => (await t.app.close(), await events.close()) };
    };
    try {
      const before = await build();
      const headers = { authorization: `Bearer ${await before.t.token()}`, 'idempotency-key': 'restart-1' };
      const first = await before.t.app.inject({ method: 'POST', url: '/api/restart', headers, payload: { a: 1 } });
      await before.close();

      const after = await build();
      try {
        const again = await after.t.app.inject({ method: 'POST', url: '/api/restart', headers, payload: { a: 1 } });
        expect(again.statusCode).toBe(201);
        expect(again.json()).toEqual(first.json());
        expect(again.headers['location']).toBe('/api/restart/1');
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(runs).toBe(1);
      } finally {
        await after.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
