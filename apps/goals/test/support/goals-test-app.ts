import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { LogCapture, caller, startServiceApp, type Call, type CallOptions } from '@okr/platform/testing';
import { issueEmbeddedToken } from '@okr/platform';
import { GoalsModule } from '../../src/app.module';

export type { Call, CallOptions };

export interface GoalsTestApp {
  app: NestFastifyApplication;
  dataDir: string;
  store: EventStore;
  logs: LogCapture;
  token(tenant?: string, user?: string): Promise<string>;
  call(method: string, url: string, options?: CallOptions): Promise<Call>;
  /** Closes the app; the data folder stays unless `removeData`. */
  close(removeData?: boolean): Promise<void>;
}

/** The real goals module on a real SQLite store in a data folder (a fresh one unless given). */
export async function createGoalsTestApp(dataDir?: string): Promise<GoalsTestApp> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'okr-goals-')));
  const logs = new LogCapture();
  const app = await startServiceApp((config, l) => GoalsModule.forRoot(config, l), dir, {
    logs,
    openApi: { title: 'goals', version: '1' },
  });
  const defaultToken = await issueEmbeddedToken({ dataDir: dir, tenant: 'acme', user: 'alice', roles: ['admin'] });
  return {
    app,
    dataDir: dir,
    store: app.get<EventStore>(EVENT_STORE),
    logs,
    token: (tenant = 'acme', user = 'alice') => issueEmbeddedToken({ dataDir: dir, tenant, user }),
    call: caller(app, defaultToken),
    async close(removeData = false) {
      await app.close();
      if (removeData) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Counts every event in the store: a failed command must leave it unchanged. */
export async function countEvents(store: EventStore): Promise<number> {
  let count = 0;
  for await (const _ of store.readAll()) count++;
  return count;
}
