import type { EventStore } from './event-store.port';
import type { KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
import type { SqliteEventStoreOptions } from './sqlite/sqlite-event-store';

/** Which adapter to open, as chosen by configuration (`OKR_EVENT_STORE`). */
export type EventStoreConfig =
  | ({ kind: 'sqlite' } & SqliteEventStoreOptions)
  | ({ kind: 'kurrentdb' } & KurrentDbEventStoreOptions);

/**
 * Opens the configured adapter. The KurrentDB adapter is loaded only when chosen, so the embedded
 * mode never loads the KurrentDB client and its native gRPC bridge (about 0.2 s at start-up).
 */
export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { kind: _kind, ...options } = config;
      const { SqliteEventStore } = await import('./sqlite/sqlite-event-store');
      return SqliteEventStore.open(options);
    }
    case 'kurrentdb': {
      const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store');
      return KurrentDbEventStore.connect({ connectionString: config.connectionString });
    }
    default:
      return unknownKind(config);
  }
}

const unknownKind = (config: never): never => {
  throw new Error(`Unknown event store kind: ${String((config as { kind?: unknown }).kind)} (expected 'sqlite' or 'kurrentdb')`);
};
