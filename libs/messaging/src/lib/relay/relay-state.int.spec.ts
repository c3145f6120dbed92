import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, openEventStore, type EventStore, type StreamRetention } from '@okr/event-store';
import { EventStoreRelayStateStore, RELAY_STREAM_MAX_COUNT } from './event-store-relay-state';
import { relayStateContract } from './relay-state.contract';
import { SqliteRelayStateStore } from './sqlite-relay-state';

const dir = mkdtempSync(join(tmpdir(), 'okr-relay-state-'));
const cleanup = async () => rmSync(dir, { recursive: true, force: true });

relayStateContract('SQLite table', async () => new SqliteRelayStateStore(join(dir, 'table.sqlite')));

const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
relayStateContract('event-store streams (over SQLite)', async () => new EventStoreRelayStateStore(store), async () => {
  await store.close();
  await cleanup();
});

const url = process.env.EVENTSTORE_URL;
if (url) {
  const live = openEventStore({ kind: 'kurrentdb', connectionString: url });
  relayStateContract('event-store streams (KurrentDB)', async () => new EventStoreRelayStateStore(await live), async () =>
    (await live).close(),
  );
} else {
  console.warn('RelayStateStore contract on KurrentDB skipped: EVENTSTORE_URL is not set');
}

describe('EventStoreRelayStateStore: bounded lease and checkpoint streams', () => {
  it('asks the store to keep the last events of both streams, once per relay, before the first lease', async () => {
    const file = join(dir, 'retention.sqlite');
    const inner = SqliteEventStore.open({ file });
    const retained: [string, StreamRetention][] = [];
    const store: EventStore = Object.assign(Object.create(inner) as EventStore, {
      setStreamRetention: async (streamId: string, retention: StreamRetention) => void retained.push([streamId, retention]),
    });
    try {
      const state = new EventStoreRelayStateStore(store);
      expect(await state.tryAcquire('goals', 'one', 5_000)).toBe(true);
      expect(await state.tryAcquire('goals', 'one', 5_000)).toBe(true);
      await state.saveCheckpoint('goals', 'one', 7);
      expect(retained).toEqual([
        ['relaylease-goals', { maxCount: RELAY_STREAM_MAX_COUNT }],
        ['relaycheckpoint-goals', { maxCount: RELAY_STREAM_MAX_COUNT }],
      ]);
      expect(await state.checkpoint('goals')).toBe(7);
    } finally {
      await inner.close();
    }
  });

  const live = process.env.EVENTSTORE_URL;
  (live ? it : it.skip)('on KurrentDB, reads only the last events of a long-lived checkpoint stream', async () => {
    const store = await openEventStore({ kind: 'kurrentdb', connectionString: live as string });
    try {
      const state = new EventStoreRelayStateStore(store);
      const relay = `bounded-${Date.now()}`;
      expect(await state.tryAcquire(relay, 'one', 60_000)).toBe(true);
      for (let position = 0; position < RELAY_STREAM_MAX_COUNT + 5; position += 1) await state.saveCheckpoint(relay, 'one', position);
      let kept = 0;
      for await (const _event of store.readStream(`relaycheckpoint-${relay}`)) kept += 1;
      expect(kept).toBe(RELAY_STREAM_MAX_COUNT);
      expect(await state.checkpoint(relay)).toBe(RELAY_STREAM_MAX_COUNT + 4);
    } finally {
      await store.close();
    }
  });
});
