import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CHECK_INS_OPENAPI, CheckInsModule } from '@okr/check-ins-app';
import { GOALS_OPENAPI, GoalsModule } from '@okr/goals-app';
import { INSIGHTS_OPENAPI, InsightsModule } from '@okr/insights-app';
import { NOTIFICATIONS_OPENAPI, NotificationsModule } from '@okr/notifications-app';
import { issueEmbeddedToken } from '@okr/platform';
import { caller, startServiceApp, type Call, type CallOptions } from '@okr/platform/testing';

export type ServiceName = 'goals' | 'check-ins' | 'insights' | 'notifications';
export const SERVICE_NAMES: readonly ServiceName[] = ['goals', 'check-ins', 'insights', 'notifications'];

/** A fixed key, so that notifications can seal secrets in tests. */
const TEST_SECRETS_KEY = Buffer.alloc(32, 7);

/** The four services, each built as its `main` builds it, on one embedded data folder (as `npm start` runs them). */
export interface Platform {
  dataDir: string;
  apps: Record<ServiceName, NestFastifyApplication>;
  /** A token of the embedded issuer of the data folder. */
  token(claims: { tenant?: string; user?: string; roles?: string[]; teams?: string[] }): Promise<string>;
  /** Calls one service with `inject` as the given token. */
  call(service: ServiceName, method: string, url: string, token: string, options?: Omit<CallOptions, 'token'>): Promise<Call>;
  close(): Promise<void>;
}

/** With `spanProcessor`, every service records its spans there (each as its own `service.name`). */
export async function startPlatform(options: { spanProcessor?: SpanProcessor } = {}): Promise<Platform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'okr-e2e-'));
  const traced = options.spanProcessor ? { spanProcessor: options.spanProcessor } : {};
  const goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), dataDir, { openApi: GOALS_OPENAPI, ...traced });
  const checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), dataDir, { openApi: CHECK_INS_OPENAPI, ...traced });
  const insights = await startServiceApp((config, logs) => InsightsModule.forRoot(config, logs), dataDir, { openApi: INSIGHTS_OPENAPI, ...traced });
  const notifications = await startServiceApp(
    (config, logs) =>
      NotificationsModule.forRoot(config, {
        logStream: logs,
        secretsKey: TEST_SECRETS_KEY,
        settings: { reminderIntervalSeconds: 0, digestIntervalSeconds: 0, dispatchIntervalMs: 50 },
      }),
    dataDir,
    { openApi: NOTIFICATIONS_OPENAPI, ...traced },
  );
  const apps: Record<ServiceName, NestFastifyApplication> = { goals, 'check-ins': checkIns, insights, notifications };
  return {
    dataDir,
    apps,
    token: ({ tenant = 'acme', user = 'alice', roles = [], teams = [] }) => issueEmbeddedToken({ dataDir, tenant, user, roles, teams }),
    call: (service, method, url, token, options = {}) => caller(apps[service], token)(method, url, options),
    async close() {
      for (const app of [notifications, insights, checkIns, goals]) await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes each service of a started platform listen on a free port of 127.0.0.1, as `npm start` runs
 * them, for what calls them over HTTP (the gateway). Returns each service's base URL.
 */
export async function listenPlatform(platform: Pick<Platform, 'apps'>): Promise<Record<ServiceName, string>> {
  const urls = {} as Record<ServiceName, string>;
  for (const service of SERVICE_NAMES) {
    await platform.apps[service].listen(0, '127.0.0.1');
    urls[service] = (await platform.apps[service].getUrl()).replace('[::1]', '127.0.0.1');
  }
  return urls;
}
