import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  EVENT_STORE,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from '@okr/event-store';
import type { EventEnvelope } from '@okr/okr-domain';
import { createPlatformTestApp } from '../../testing';
import { idempotencyProviders } from '../bootstrap/platform.module';
import { EventStoreIdempotencyStore, IDEMPOTENT_RESPONSE_RECORDED } from './event-store-idempotency-store';
import type { IdempotencyRecord } from './idempotency-store';

/** Just enough of an event store for this port's use: streams, expected revisions, one global log. */
class MinimalEventStore implements EventStore {
  readonly log: EventEnvelope[] = [];

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const stream = this.log.filter((e) => e.streamId === streamId);
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (expected !== 'any' && expected !== actual) throw new WrongExpectedRevisionError(streamId, expected, actual);
    for (const [i, event] of events.entries()) {
      const data = event.data as Record<string, unknown>;
      this.log.push({ ...event, data, schemaVersion: event.schemaVersion ?? 1, streamId, revision: stream.length + i, position: this.log.length });
    }
    return { nextExpectedRevision: stream.length + events.length - 1, position: this.log.length - 1 };
  }

  async *readStream(streamId: string): AsyncIterable<EventEnvelope> {
    yield* this.log.filter((e) => e.streamId === streamId);
  }

  async *readAll(): AsyncIterable<EventEnvelope> {
    yield* this.log;
  }

  subscribe(): AsyncIterable<EventEnvelope> {
    throw new Error('not needed here');
  }

  async headPosition(): Promise<number> {
    return this.log.length - 1;
  }

  async close(): Promise<void> {
    this.log.length = 0;
  }
}

const SQLITE_ADAPTER = join(__dirname, '../../../../event-store/src/lib/sqlite/sqlite-event-store.ts');
type SqliteModule = { SqliteEventStore: { open(options: { file: string }): EventStore } };

interface Harness {
  /** A store over the same storage as every store opened before (a "restart"). */
  open(): EventStore;
  cleanup(): Promise<void>;
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    'a minimal in-memory event store',
    async () => {
      const store = new MinimalEventStore();
      return { open: () => store, cleanup: async () => undefined };
    },
  ],
];
if (existsSync(SQLITE_ADAPTER)) {
  harnesses.push([
    'the SQLite event store',
    async () => {
      const { SqliteEventStore } = require(SQLITE_ADAPTER) as SqliteModule;
      const dir = await mkdtemp(join(tmpdir(), 'okr-idem-'));
      const opened: EventStore[] = [];
      return {
        open: () => {
          const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
          opened.push(store);
          return store;
        },
        cleanup: async () => {
          await Promise.all(opened.map((s) => s.close()));
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  ]);
}

const record = (fingerprint: string, body: unknown = { id: 1 }): IdempotencyRecord => ({
  fingerprint,
  status: 201,
  body,
  headers: { location: '/api/things/1', etag: '"0"' },
  storedAt: new Date().toISOString(),
  tenantId: 'acme',
  actor: 'alice',
  correlationId: `corr-${fingerprint}`,
});

describe.each(harnesses)('EventStoreIdempotencyStore over %s', (_, makeHarness) => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await makeHarness();
  });
  afterEach(() => harness.cleanup());

  it('stores one record per scope, in its own stream, with tenant metadata', async () => {
    const events = harness.open();
    const store = new EventStoreIdempotencyStore(events);
    expect(await store.get('scope-a')).toBeUndefined();

    const first = record('f1');
    expect(await store.put('scope-a', first)).toBe(first);
    expect(await store.get('scope-a')).toEqual(first);
    expect(await store.get('scope-b')).toBeUndefined();

    const streamId = EventStoreIdempotencyStore.streamOf('scope-a');
    expect(streamId).toMatch(/^idempotency-[0-9a-f]{64}$/);
    const stored: EventEnvelope[] = [];
    for await (const event of events.readStream(streamId)) stored.push(event);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: IDEMPOTENT_RESPONSE_RECORDED, metadata: { tenantId: 'acme', actor: 'alice', correlationId: 'corr-f1' } });
  });

  it('keeps the first record: a later put, even a concurrent one, gets it back and appends nothing', async () => {
    const events = harness.open();
    const store = new EventStoreIdempotencyStore(events);
    const results = await Promise.all(['f1', 'f2', 'f3', 'f4'].map((f) => store.put('scope-race', record(f))));
    expect(new Set(results.map((r) => r.fingerprint)).size).toBe(1);
    expect(await store.put('scope-race', record('late'))).toEqual(results[0]);
    const stored: EventEnvelope[] = [];
    for await (const event of events.readStream(EventStoreIdempotencyStore.streamOf('scope-race'))) stored.push(event);
    expect(stored).toHaveLength(1);
  });

  it('survives a restart of the service', async () => {
    await new EventStoreIdempotencyStore(harness.open()).put('scope-restart', record('f1', { kept: true }));
    expect(await new EventStoreIdempotencyStore(harness.open()).get('scope-restart')).toMatchObject({ body: { kept: true } });
  });

  it('replays through HTTP after a restart, without running the handler again', async () => {
    let runs = 0;
    @Controller('api/restart')
    class RestartController {
      @Post()
      create(@Res({ passthrough: true }) reply: FastifyReply) {
        runs++;
        reply.header('Location', '/api/restart/1');
        return { created: runs };
      }
    }
    const build = () =>
      createPlatformTestApp({
        controllers: [RestartController],
        providers: [{ provide: EVENT_STORE, useValue: harness.open() }, ...idempotencyProviders()],
      });

    const before = await build();
    const headers = { authorization: `Bearer ${await before.token()}`, 'idempotency-key': 'restart-1' };
    const first = await before.app.inject({ method: 'POST', url: '/api/restart', headers, payload: { a: 1 } });
    await before.close();

    const after = await build();
    try {
      const again = await after.app.inject({
        method: 'POST',
        url: '/api/restart',
        headers: { ...headers, authorization: `Bearer ${await after.token()}` },
        payload: { a: 1 },
      });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect(again.headers['location']).toBe('/api/restart/1');
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(runs).toBe(1);
    } finally {
      await after.close();
    }
  });
});
