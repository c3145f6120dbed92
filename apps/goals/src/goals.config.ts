import { join } from 'node:path';
import type { EventStoreConfig } from '@okr/event-store';
import type { PlatformConfig } from '@okr/platform';

export const GOALS_DEFAULT_PORT = 3001;

/** The embedded default shares one SQLite file per data folder between all services. */
export function eventStoreOptions(config: PlatformConfig): EventStoreConfig {
  return config.OKR_EVENT_STORE === 'kurrentdb'
    ? { kind: 'kurrentdb', connectionString: config.EVENTSTORE_URL as string }
    : { kind: 'sqlite', file: join(config.OKR_DATA_DIR, 'events.sqlite') };
}
