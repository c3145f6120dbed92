import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, openEventStore } from '@okr/event-store';
import { EventStoreRelayStateStore } from './event-store-relay-state';
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
