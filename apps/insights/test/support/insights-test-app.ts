import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configurePlatformApp, createPlatformAdapter, issueEmbeddedToken, loadConfig, type PlatformConfig } from '@okr/platform';
import { LogCapture } from '@okr/platform/testing';
import { InsightsModule } from '../../src/app.module';

export interface Call {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  headers: Record<string, string | string[] | number | undefined>;
}

export type CallOptions = { body?: unknown; token?: string | null; headers?: Record<string, string> };

/** Any Nest app under test, called with `inject` and a bearer token. */
export function caller(app: NestFastifyApplication, defaultToken: string) {
  return async (method: string, url: string, options: CallOptions = {}): Promise<Call> => {
    const token = options.token === undefined ? defaultToken : options.token;
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
  };
}

/** A service's root module on the embedded defaults in `dataDir`, ready for `inject`. */
export async function startServiceApp(
  rootModule: (config: PlatformConfig, logs: LogCapture) => DynamicModule,
  dataDir: string,
): Promise<NestFastifyApplication> {
  const config = loadConfig({ OKR_DATA_DIR: dataDir, OKR_BODY_LIMIT_BYTES: '65536' }, { PORT: 0 });
  const moduleRef = await Test.createTestingModule({ imports: [rootModule(config, new LogCapture())] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createPlatformAdapter(config), { bufferLogs: true });
  configurePlatformApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export interface InsightsTestApp {
  app: NestFastifyApplication;
  dataDir: string;
  token(tenant?: string, user?: string): Promise<string>;
  call(method: string, url: string, options?: CallOptions): Promise<Call>;
  close(removeData?: boolean): Promise<void>;
}

/** The real insights module on a real SQLite store in a data folder (fresh unless given). */
export async function createInsightsTestApp(dataDir?: string): Promise<InsightsTestApp> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'okr-insights-')));
  const app = await startServiceApp((config, logs) => InsightsModule.forRoot(config, logs), dir);
  const defaultToken = await issueEmbeddedToken({ dataDir: dir, tenant: 'acme', user: 'alice', roles: ['admin'] });
  return {
    app,
    dataDir: dir,
    token: (tenant = 'acme', user = 'alice') => issueEmbeddedToken({ dataDir: dir, tenant, user }),
    call: caller(app, defaultToken),
    async close(removeData = false) {
      await app.close();
      if (removeData) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns something other than undefined / false, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A distinct instant strictly between what happened before and what happens after the call. */
export async function instantBetween(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const instant = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return instant;
}
