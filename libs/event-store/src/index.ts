export * from './lib/event-store.port';
export * from './lib/open-event-store';
export * from './lib/event-store.module';
export { SqliteEventStore, type SqliteEventStoreOptions } from './lib/sqlite/sqlite-event-store';
export type { SqliteSynchronous } from './lib/sqlite/sqlite-schema';
// Type only: the KurrentDB client (native bridge) loads when `openEventStore` chooses it.
export type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './lib/kurrentdb/kurrentdb-event-store';
export * from './lib/command-handler';
export { AppendBatch, appendBatchOf, runInAppendBatch, type AppendBatchMark } from './lib/append-batch';
export * from './lib/fold-cache';
export * from './lib/event-chain';
export * from './lib/chain-audit';
export * from './lib/personal-data/key-store.port';
export { SqliteKeyStore, type SqliteKeyStoreOptions } from './lib/personal-data/sqlite-key-store';
// Type only: mongoose loads when `openKeyStore` chooses MongoDB.
export type { MongoKeyStore, MongoKeyStoreOptions } from './lib/personal-data/mongo-key-store';
export { CachedKeyStore, withKeyCache, type KeyCacheOptions } from './lib/personal-data/cached-key-store';
export { ProtectedEventStore, openSealedValues, publishedEvents, storedEvents } from './lib/personal-data/protected-event-store';
export { PersonalDataProtection } from './lib/personal-data/personal-data-protection';
export { sealedKeyId } from './lib/personal-data/personal-data-cipher';
export * from './lib/snapshots/snapshot-store.port';
export { enableSnapshots, snapshotsOf, snapshotsSettled, stopSnapshots, type SnapshotOptions } from './lib/snapshots/snapshot-fold';
export { SqliteSnapshotStore, type SqliteSnapshotStoreOptions } from './lib/snapshots/sqlite-snapshot-store';
