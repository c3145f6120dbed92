import { join } from 'node:path';
import type { EventStoreConfig, PersonalDataKeysConfig, SnapshotsConfig } from '@okr/event-store';
import type { PlatformConfig } from './platform-config';

/**
 * The SQLite file of the embedded mode: one per data folder, shared by every service (each writes
 * only its own categories) and by the embedded bus's consumer groups.
 */
export const embeddedEventsFile = (config: Pick<PlatformConfig, 'OKR_DATA_DIR'>): string =>
  join(config.OKR_DATA_DIR, 'events.sqlite');

/** The embedded personal-data keys (one per person): beside the events file, never in it. */
export const personalDataKeysFile = (config: Pick<PlatformConfig, 'OKR_DATA_DIR'>): string =>
  join(config.OKR_DATA_DIR, 'personal-data-keys.sqlite');

/**
 * Events between two snapshots of an aggregate: an as-of read folds at most this many from its snapshot
 * (it reads the one chunk that holds its instant), and a load with no fold cached at most this many
 * plus the appends since the last command that crossed it (commands keep them). 16 keeps an as-of read of a 10,000-event objective
 * within 2x of a 10-event one, for about 1 MB of snapshots per 10,000 events read as of now (README,
 * "Long streams"); 500 read and parsed up to 500 events per request.
 */
export const SNAPSHOT_EVERY = 16;

/** The event store the configuration chose. */
export function eventStoreConfig(config: PlatformConfig): EventStoreConfig {
  const cache = { maxEntries: config.OKR_KEY_CACHE_ENTRIES, maxAgeMs: config.OKR_KEY_CACHE_SECONDS * 1000 };
  // The configuration validated that MONGO_URL is set whenever OKR_KEY_STORE=mongodb.
  const personalDataKeys: PersonalDataKeysConfig =
    config.OKR_KEY_STORE === 'mongodb'
      ? { kind: 'mongodb', url: config.MONGO_URL as string, cache }
      : { kind: 'sqlite', file: personalDataKeysFile(config), cache };
  const foldCache = { maxEntries: config.OKR_FOLD_CACHE_ENTRIES, maxAgeMs: config.OKR_FOLD_CACHE_SECONDS * 1000 };
  // Aggregate snapshots, where every replica finds them (so the erasure that drops a tenant's snapshots
  // reaches every copy): embedded, in the one data folder every service shares; with KurrentDB, in
  // streams beside the aggregates' on the same server.
  const every = { every: SNAPSHOT_EVERY, keyCacheMaxAgeMs: cache.maxAgeMs };
  if (config.OKR_EVENT_STORE === 'kurrentdb') {
    const connectionString = config.EVENTSTORE_URL as string;
    return { kind: 'kurrentdb', connectionString, personalDataKeys, foldCache, snapshots: { kind: 'kurrentdb', connectionString, ...every } };
  }
  const snapshots: SnapshotsConfig = { kind: 'sqlite', file: join(config.OKR_DATA_DIR, 'aggregate-snapshots.sqlite'), ...every };
  return { kind: 'sqlite', file: embeddedEventsFile(config), personalDataKeys, foldCache, snapshots };
}
