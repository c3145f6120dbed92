import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { configurePlatformApp, createPlatformAdapter } from '../lib/bootstrap/platform-app';
import { loadConfig } from '../lib/config/load-config';
import type { PlatformConfig } from '../lib/config/platform-config';
import type { OpenApiOptions } from '../lib/openapi/setup-openapi';
import { issueEmbeddedToken } from '../lib/auth/embedded-token';
import { SPAN_PROCESSOR } from '../lib/tracing/tracing';
import { LogCapture } from './platform-test-app';

/** A response as a test reads it. */
export interface Call {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  headers: Record<string, string | string[] | number | undefined>;
}

export type CallOptions = { body?: unknown; token?: string | null; headers?: Record<string, string> };

/** Calls an app under test with `inject` and a bearer token (`token: null` sends none). */
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
      ...(options.body !== undefined
        ? { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
  };
}

/**
 * A service's root module built exactly as its `main` builds it, on the embedded defaults in
 * `dataDir` (64 KiB body limit, for 413 tests) and any other settings in `env`, initialised but not
 * listening: use `inject`. With `spanProcessor`, its spans go there (tracing is off otherwise).
 */
export async function startServiceApp(
  rootModule: (config: PlatformConfig, logs: LogCapture) => DynamicModule,
  dataDir: string,
  options: { logs?: LogCapture; openApi?: OpenApiOptions; env?: Readonly<Record<string, string>>; spanProcessor?: SpanProcessor } = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig({ OKR_DATA_DIR: dataDir, OKR_BODY_LIMIT_BYTES: '65536', ...options.env }, { PORT: 0 });
  // Spans are recorded only when a test asks for them (`spanProcessor`), whatever the environment says.
  const moduleRef = await Test.createTestingModule({ imports: [rootModule(config, options.logs ?? new LogCapture())] })
    .overrideProvider(SPAN_PROCESSOR)
    .useValue(options.spanProcessor ?? null)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createPlatformAdapter(config), { bufferLogs: true });
  configurePlatformApp(app, options.openApi ? { openApi: options.openApi } : {});
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * The least time {@link eventually} waits before it fails: CI machines are busy 2-core machines, and a
 * test must wait for the condition, never fail on the machine's speed.
 */
export const EVENTUALLY_MIN_WAIT_MS = 30_000;

/**
 * Polls `probe` until it returns something other than undefined / false, or fails after `timeoutMs`
 * (never sooner than {@link EVENTUALLY_MIN_WAIT_MS}).
 */
export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = EVENTUALLY_MIN_WAIT_MS, what = 'condition'): Promise<Exclude<T, undefined | false>> {
  timeoutMs = Math.max(timeoutMs, EVENTUALLY_MIN_WAIT_MS);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface ServiceTestApp {
  app: NestFastifyApplication;
  dataDir: string;
  logs: LogCapture;
  /** A token of the embedded issuer of this data folder (no roles, so a member, and no teams unless given). */
  token(tenant?: string, user?: string, roles?: string[], teams?: string[]): Promise<string>;
  /** As `alice`, admin of `acme`, unless another token is given. */
  call(method: string, url: string, options?: CallOptions): Promise<Call>;
  /** Closes the app; the data folder stays unless `removeData`. */
  close(removeData?: boolean): Promise<void>;
}

/**
 * A service's root module on the embedded stores of a data folder (a fresh `okr-{name}-…` one unless
 * given), with its log lines captured and a caller holding an admin token: what each service's test
 * support builds its own helpers on.
 */
export async function createServiceTestApp(
  name: string,
  rootModule: (config: PlatformConfig, logs: LogCapture) => DynamicModule,
  options: { dataDir?: string; openApi?: OpenApiOptions; env?: Readonly<Record<string, string>> } = {},
): Promise<ServiceTestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), `okr-${name}-`)));
  const logs = new LogCapture();
  const app = await startServiceApp(rootModule, dataDir, {
    logs,
    ...(options.openApi ? { openApi: options.openApi } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const token = (tenant = 'acme', user = 'alice', roles: string[] = [], teams: string[] = []) =>
    issueEmbeddedToken({ dataDir, tenant, user, roles, teams });
  return {
    app,
    dataDir,
    logs,
    token,
    call: caller(app, await token('acme', 'alice', ['admin'])),
    async close(removeData = false) {
      await app.close();
      if (removeData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
