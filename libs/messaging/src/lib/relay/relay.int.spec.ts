import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '@okr/event-store';
import type { IntegrationEvent } from '../integration-event';
import type { IntegrationEventPublisher } from '../messaging.port';
import { waitFor } from '../../testing/wait-for';
import { Relay, type RelayOptions } from './relay';
import { SqliteRelayStateStore } from './sqlite-relay-state';

/** Records what was published; can be told to fail the next publishes. */
class RecordingPublisher implements IntegrationEventPublisher {
  readonly published: IntegrationEvent[] = [];
  failures = 0;
  async publish(_topic: string, events: readonly IntegrationEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('broker unavailable');
    }
    this.published.push(...events);
  }
  async close(): Promise<void> {
    this.failures = 0;
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Relay (SQLite store, recording publisher)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let state: SqliteRelayStateStore;
  const relays: Relay[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-relay-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    state = new SqliteRelayStateStore(join(dir, 'events.sqlite'));
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await state.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const relay = (publisher: IntegrationEventPublisher, overrides: Partial<RelayOptions> = {}) => {
    const r = new Relay({
      name: 'goals',
      topic: 'okr.goals.v1',
      categories: ['objective', 'cycle'],
      store,
      publisher,
      state,
      logger: silent,
      leaseTtlMs: 300,
      ...overrides,
    });
    relays.push(r);
    r.start();
    return r;
  };

  async function append(streamId: string, count: number): Promise<string[]> {
    const events = Array.from({ length: count }, (_, i) => ({
      id: uuidv7(),
      type: 'Happened',
      data: { i },
      metadata: { tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() },
    }));
    await store.append(streamId, events, 'any');
    return events.map((e) => e.id);
  }

  it('publishes the owned categories in log order, with integration-event shape, and nothing else', async () => {
    const publisher = new RecordingPublisher();
    const objective = `objective-${uuidv7()}`;
    const ids = await append(objective, 3);
    await append(`checkins-${uuidv7()}`, 2);
    relay(publisher);
    const live = await append(`cycle-${uuidv7()}`, 2);
    await waitFor(() => publisher.published.length === 5, 5000);
    expect(publisher.published.map((e) => e.id)).toEqual([...ids, ...live]);
    expect(publisher.published[0]).toMatchObject({ streamId: objective, key: objective.slice('objective-'.length), revision: 0 });
  });

  it('resumes after its checkpoint when restarted: nothing lost, nothing re-sent after a clean stop', async () => {
    const publisher = new RecordingPublisher();
    const first = await append(`objective-${uuidv7()}`, 50);
    const r = relay(publisher);
    await waitFor(() => publisher.published.length === 50, 5000);
    await r.stop();
    const second = await append(`objective-${uuidv7()}`, 20);
    relay(publisher);
    await waitFor(() => publisher.published.length >= 70, 5000);
    await new Promise((r) => setTimeout(r, 50));
    expect(publisher.published.map((e) => e.id)).toEqual([...first, ...second]);
  });

  it('retries a failed publish and loses nothing', async () => {
    const publisher = new RecordingPublisher();
    publisher.failures = 1;
    const ids = await append(`objective-${uuidv7()}`, 10);
    relay(publisher);
    await waitFor(() => publisher.published.length === 10, 5000);
    expect(publisher.published.map((e) => e.id)).toEqual(ids);
  });

  it('of two replicas one publishes; the standby takes over when the leader stops', async () => {
    const one = new RecordingPublisher();
    const two = new RecordingPublisher();
    const leader = relay(one);
    await waitFor(() => leader.isLeader, 5000);
    const standby = relay(two);
    const before = await append(`objective-${uuidv7()}`, 30);
    await waitFor(() => one.published.length === 30, 5000);
    expect(standby.isLeader).toBe(false);
    expect(two.published).toHaveLength(0);

    await leader.stop();
    const after = await append(`objective-${uuidv7()}`, 30);
    await waitFor(() => two.published.length === 30, 5000);
    expect(two.published.map((e) => e.id)).toEqual(after);
    expect(one.published.map((e) => e.id)).toEqual(before);
  });

  it('reports its lag in positions and seconds', async () => {
    const publisher = new RecordingPublisher();
    publisher.failures = Number.MAX_SAFE_INTEGER;
    await append(`objective-${uuidv7()}`, 5);
    const r = relay(publisher);
    const lag = await r.lag();
    expect(lag.positions).toBe(5);
    expect(lag.seconds).toBeGreaterThanOrEqual(0);
    publisher.failures = 0;
    await waitFor(async () => (await r.lag()).positions === 0, 5000);
  });

  it('counts the relayed events behind, not the other categories written after them', async () => {
    const publisher = new RecordingPublisher();
    publisher.failures = Number.MAX_SAFE_INTEGER;
    await append(`objective-${uuidv7()}`, 3);
    await append(`checkins-${uuidv7()}`, 4);
    expect((await relay(publisher).lag()).positions).toBe(3);
  });

  it('counts events, not position distance, where positions are sparse (KurrentDB: commit positions in bytes)', async () => {
    const publisher = new RecordingPublisher();
    publisher.failures = Number.MAX_SAFE_INTEGER;
    await append(`objective-${uuidv7()}`, 5);
    // The same log with positions 1000 apart, as KurrentDB's byte offsets are.
    const sparse = Object.assign(Object.create(store) as SqliteEventStore, {
      headPosition: async () => (await store.headPosition()) * 1000,
      readAll: async function* (options: Parameters<SqliteEventStore['readAll']>[0] = {}) {
        const after = options.after === undefined || options.after < 0 ? options.after : Math.floor(options.after / 1000);
        for await (const event of store.readAll({ ...options, after })) yield { ...event, position: event.position * 1000 };
      },
    });
    expect((await relay(publisher, { store: sparse }).lag()).positions).toBe(5);
  });
});
