import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { LogCapture } from '@okr/platform/testing';
import { configurePlatformApp, createPlatformAdapter, issueEmbeddedToken, loadConfig } from '@okr/platform';
import { GoalsModule } from '../../src/app.module';

export interface Call {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  headers: Record<string, string | string[] | number | undefined>;
}

export interface GoalsTestApp {
  app: NestFastifyApplication;
  dataDir: string;
  store: EventStore;
  logs: LogCapture;
  token(tenant?: string, user?: string): Promise<string>;
  call(method: string, url: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Call>;
  /** Closes the app; the data folder stays unless `removeData`. */
  close(removeData?: boolean): Promise<void>;
}

/** The real goals module on a real SQLite store in a data folder (a fresh one unless given). */
export async function createGoalsTestApp(dataDir?: string): Promise<GoalsTestApp> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'okr-goals-')));
  const config = loadConfig({ OKR_DATA_DIR: dir, OKR_BODY_LIMIT_BYTES: '65536' }, { PORT: 0 });
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({ imports: [GoalsModule.forRoot(config, logs)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createPlatformAdapter(config), { bufferLogs: true });
  configurePlatformApp(app, { openApi: { title: 'goals', version: '1' } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const defaultToken = await issueEmbeddedToken({ dataDir: dir, tenant: 'acme', user: 'alice', roles: ['admin'] });

  return {
    app,
    dataDir: dir,
    store: app.get<EventStore>(EVENT_STORE),
    logs,
    token: (tenant = 'acme', user = 'alice') => issueEmbeddedToken({ dataDir: dir, tenant, user }),
    async call(method, url, options = {}) {
      const token = options.token === undefined ? defaultToken : options.token;
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined
          ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
          : {}),
      });
      return {
        status: response.statusCode,
        body: response.body ? JSON.parse(response.body) : undefined,
        headers: response.headers,
      };
    },
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
