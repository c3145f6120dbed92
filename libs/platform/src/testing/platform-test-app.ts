import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { issueEmbeddedToken, type EmbeddedTokenRequest } from '../lib/auth/embedded-token';
import { configurePlatformApp, createPlatformAdapter } from '../lib/bootstrap/platform-app';
import { PlatformModule } from '../lib/bootstrap/platform.module';
import { loadConfig } from '../lib/config/load-config';
import type { PlatformConfig } from '../lib/config/platform-config';
import type { OpenApiOptions } from '../lib/openapi/setup-openapi';
import { SPAN_PROCESSOR } from '../lib/tracing/tracing';

/** Collects the JSON log lines of an app. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }

  /** The raw text logged so far, to assert that something never appears. */
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}

export interface PlatformTestAppOptions extends Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers'> {
  /** Environment on top of a fresh temporary `OKR_DATA_DIR` and `PORT=0`. */
  env?: Record<string, string>;
  openApi?: OpenApiOptions;
  /** Records the app's spans (e.g. `new SimpleSpanProcessor(new InMemorySpanExporter())`); tracing is off without it. */
  spanProcessor?: SpanProcessor;
}

export interface PlatformTestApp {
  app: NestFastifyApplication;
  config: Readonly<PlatformConfig>;
  logs: LogCapture;
  /** A token signed with the app's embedded key (tenant `acme`, user `alice` unless given). */
  token(claims?: Partial<Omit<EmbeddedTokenRequest, 'dataDir'>>): Promise<string>;
  /** Closes the app and removes the temporary data folder. */
  close(): Promise<void>;
}

/**
 * An app built exactly as a service builds its own (PlatformModule, Fastify adapter, configure), from
 * a testing module, initialised but not listening: use `app.inject()`.
 */
export async function createPlatformTestApp(options: PlatformTestAppOptions = {}): Promise<PlatformTestApp> {
  const tempDir = await mkdtemp(join(tmpdir(), 'okr-platform-'));
  const config = loadConfig({ OKR_DATA_DIR: tempDir, ...options.env }, { PORT: 0 });
  const logs = new LogCapture();
  const moduleRef = await Test.createTestingModule({
    imports: [PlatformModule.forRoot({ serviceName: 'test', config, logStream: logs }), ...(options.imports ?? [])],
    controllers: options.controllers ?? [],
    providers: options.providers ?? [],
  })
    .overrideProvider(SPAN_PROCESSOR)
    .useValue(options.spanProcessor ?? null)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createPlatformAdapter(config), { bufferLogs: true });
  configurePlatformApp(app, { openApi: options.openApi });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    logs,
    token: (claims = {}) =>
      issueEmbeddedToken({
        tenant: 'acme',
        user: 'alice',
        tenantClaim: config.OKR_TENANT_CLAIM,
        rolesClaim: config.OKR_ROLES_CLAIM,
        teamsClaim: config.OKR_TEAMS_CLAIM,
        ...claims,
        dataDir: config.OKR_DATA_DIR,
      }),
    close: async () => {
      await app.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
