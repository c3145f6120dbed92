import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { issueEmbeddedToken } from '@okr/platform';
import { InsightsModule } from '../../src/app.module';

import { caller, eventually, startServiceApp, type Call, type CallOptions } from '@okr/platform/testing';

export { caller, eventually, startServiceApp, type Call, type CallOptions };

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


/** A distinct instant strictly between what happened before and what happens after the call. */
export async function instantBetween(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const instant = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return instant;
}
