import type { EventStore } from './event-store.port';
import { enableFoldCache, type FoldCacheOptions } from './fold-cache';
import { withKeyCache, type KeyCacheOptions } from './personal-data/cached-key-store';
import type { PersonalDataKeyStore } from './personal-data/key-store.port';
import type { MongoKeyStoreOptions } from './personal-data/mongo-key-store';
import { ProtectedEventStore } from './personal-data/protected-event-store';
import { enableSnapshots, stopSnapshots, type SnapshotOptions } from './snapshots/snapshot-fold';
import type { SnapshotStore } from './snapshots/snapshot-store.port';
import { SqliteKeyStore, type SqliteKeyStoreOptions } from './personal-data/sqlite-key-store';
import type { KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
import type { SqliteEventStoreOptions } from './sqlite/sqlite-event-store';

/**
 * Where the personal-data keys are kept (`OKR_KEY_STORE`): a SQLite file beside the events, or a
 * MongoDB collection that every replica shares; `cache` keeps keys for reading (off when absent).
 */
export type PersonalDataKeysConfig = (({ kind: 'sqlite' } & SqliteKeyStoreOptions) | ({ kind: 'mongodb' } & MongoKeyStoreOptions)) & {
  cache?: KeyCacheOptions;
};

/**
 * Which adapter to open, as chosen by configuration (`OKR_EVENT_STORE`). With `personalDataKeys`, the
 * store seals personal data before it is stored and opens it on read (a {@link ProtectedEventStore});
 * the services always set it, adapter tests leave it out.
 */
export type EventStoreConfig = (
  | ({ kind: 'sqlite' } & SqliteEventStoreOptions)
  | ({ kind: 'kurrentdb' } & KurrentDbEventStoreOptions)
) & {
  personalDataKeys?: PersonalDataKeysConfig;
  /** Folded aggregates kept by this process (see `FoldCache`); off when absent. */
  foldCache?: FoldCacheOptions;
  /** Aggregate snapshots (see `snapshot-fold.ts`); off when absent. */
  snapshots?: SnapshotsConfig;
};

/**
 * Where aggregate snapshots are kept: a SQLite file (embedded: `SqliteSnapshotStore`), or streams beside
 * the aggregates' in KurrentDB (`KurrentDbSnapshotStore`, `$snapshots-{streamId}`).
 */
export type SnapshotsConfig = SnapshotOptions & ({ kind: 'sqlite'; file: string } | { kind: 'kurrentdb'; connectionString: string });

/**
 * Opens the configured adapter. The KurrentDB adapter is loaded only when chosen, so the embedded
 * mode never loads the KurrentDB client and its native gRPC bridge (about 0.2 s at start-up).
 */
export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  const { personalDataKeys, foldCache, snapshots, ...adapter } = config;
  const store = await protect(await openAdapter(adapter), personalDataKeys);
  // On the outermost store: what the command handler folds is what callers read (personal data opened).
  if (foldCache) enableFoldCache(store, foldCache);
  if (snapshots) {
    const snapshotStore = await openSnapshotStore(snapshots);
    const { every, keyCacheMaxAgeMs, onError } = snapshots;
    enableSnapshots(store, snapshotStore, { every, keyCacheMaxAgeMs, ...(onError ? { onError } : {}) });
    const close = store.close.bind(store);
    store.close = async () => {
      await stopSnapshots(store);
      await snapshotStore.close();
      await close();
    };
  }
  return store;
}

/** Opens the configured snapshot store; the KurrentDB client is loaded only when it is chosen. */
async function openSnapshotStore(config: SnapshotsConfig): Promise<SnapshotStore> {
  if (config.kind === 'kurrentdb') {
    const { connectKurrentDbSnapshotStore } = await import('./snapshots/kurrentdb-snapshot-streams');
    return connectKurrentDbSnapshotStore(config.connectionString);
  }
  const { SqliteSnapshotStore } = await import('./snapshots/sqlite-snapshot-store');
  return SqliteSnapshotStore.open({ file: config.file });
}

async function protect(store: EventStore, personalDataKeys: PersonalDataKeysConfig | undefined): Promise<EventStore> {
  if (!personalDataKeys) return store;
  try {
    return new ProtectedEventStore(store, withKeyCache(await openKeyStore(personalDataKeys), personalDataKeys.cache));
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Opens the configured key store; mongoose is loaded only when MongoDB is chosen. */
export async function openKeyStore(config: PersonalDataKeysConfig): Promise<PersonalDataKeyStore> {
  if (config.kind === 'mongodb') {
    const { kind: _kind, cache: _cache, ...options } = config;
    const { MongoKeyStore } = await import('./personal-data/mongo-key-store');
    return MongoKeyStore.connect(options);
  }
  const { kind: _kind, cache: _cache, ...options } = config;
  return SqliteKeyStore.open(options);
}

async function openAdapter(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { kind: _kind, personalDataKeys: _keys, foldCache: _foldCache, snapshots: _snapshots, ...options } = config;
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
