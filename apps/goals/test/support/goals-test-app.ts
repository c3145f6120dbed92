import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { createServiceTestApp, type Call, type CallOptions, type ServiceTestApp } from '@okr/platform/testing';
import { GoalsModule } from '../../src/app.module';

export type { Call, CallOptions };
export { countEvents } from '@okr/event-store/testing';

export interface GoalsTestApp extends ServiceTestApp {
  store: EventStore;
}

/** The real goals module on a real SQLite store in a data folder (a fresh one unless given), with other settings in `env`. */
export async function createGoalsTestApp(dataDir?: string, env?: Readonly<Record<string, string>>): Promise<GoalsTestApp> {
  const base = await createServiceTestApp('goals', (config, logs) => GoalsModule.forRoot(config, logs), {
    ...(dataDir ? { dataDir } : {}),
    ...(env ? { env } : {}),
    openApi: { title: 'goals', version: '1' },
  });
  return { ...base, store: base.app.get<EventStore>(EVENT_STORE) };
}
