import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { ConfigError, loadConfig } from '../config/load-config';
import type { PlatformConfig } from '../config/platform-config';
import { frameworkErrorOptions } from '../errors/framework-errors';
import { limitJsonDepth } from '../http/json-body';
import { observeHttp } from '../http/http-observability';
import { registerSecurity } from '../http/security';
import { Metrics } from '../metrics/metrics';
import { Tracing } from '../tracing/tracing';
import { echoCorrelationId, genCorrelationId } from '../logging/correlation-id';
import { setupOpenApi, type OpenApiOptions } from '../openapi/setup-openapi';

/** Builds the root module once the configuration is known (`config => GoalsModule.forRoot(config)`). */
export type AppModuleFactory = (config: PlatformConfig) => Type | DynamicModule;

export interface PlatformAppOptions {
  serviceName: string;
  /** `PORT` when the environment has none. */
  defaultPort: number;
  /** Serve OpenAPI docs at `/api/docs`; omitted means no docs. */
  openApi?: OpenApiOptions;
  /** Environment to read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The Fastify adapter of every service: the configured body limit (413 beyond it), JSON bodies no
 * deeper than `OKR_JSON_MAX_DEPTH`, problem+json for what Fastify and Node refuse before any route
 * (bad URL, URL or headers too large), and request ids that are correlation ids (the caller's valid
 * `X-Correlation-Id` or a new UUID v7), echoed in the response; security headers and the per-address
 * rate limit (see `registerSecurity`).
 */
export function createPlatformAdapter(
  config: Pick<PlatformConfig, 'OKR_BODY_LIMIT_BYTES' | 'OKR_JSON_MAX_DEPTH' | 'OKR_RATE_LIMIT_PER_IP' | 'OKR_RATE_LIMIT_PER_PRINCIPAL' | 'OKR_RATE_LIMIT_WINDOW_SECONDS'>,
): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: config.OKR_BODY_LIMIT_BYTES, genReqId: genCorrelationId, ...frameworkErrorOptions() });
  echoCorrelationId(adapter.getInstance());
  limitJsonDepth(adapter, config.OKR_JSON_MAX_DEPTH);
  registerSecurity(adapter, config);
  return adapter;
}

/**
 * What every app gets between creation and `init`/`listen`: the pino logger, shutdown hooks, the
 * HTTP duration histogram and server spans (see `observeHttp`; before `init`, so before any route) and
 * the OpenAPI docs. Tests call it on apps built from a testing module, then `app.init()` and `app.inject()`.
 */
export function configurePlatformApp(app: NestFastifyApplication, options: Pick<PlatformAppOptions, 'openApi'> = {}): void {
  app.useLogger(app.get(Logger));
  observeHttp(app.getHttpAdapter().getInstance(), app.get(Tracing), app.get(Metrics));
  app.enableShutdownHooks();
  if (options.openApi) setupOpenApi(app, options.openApi);
}

/**
 * Loads the configuration, builds the root module from it, and creates and configures the app without
 * listening.
 * @throws ConfigError when the configuration is invalid.
 */
export async function createPlatformApp(
  appModule: AppModuleFactory,
  options: PlatformAppOptions,
): Promise<{ app: NestFastifyApplication; config: Readonly<PlatformConfig> }> {
  const config = loadConfig(options.env ?? process.env, { PORT: options.defaultPort });
  const app = await NestFactory.create<NestFastifyApplication>(appModule(config), createPlatformAdapter(config), {
    bufferLogs: true,
  });
  configurePlatformApp(app, options);
  return { app, config };
}

/** Process hooks of {@link runPlatformApp}, replaceable in tests. */
export interface RunHooks {
  exit: (code: number) => void;
  stream?: DestinationStream;
}

/**
 * A service's `main`: {@link createPlatformApp}, then listen on `0.0.0.0:PORT`. An invalid
 * configuration is logged as one fatal JSON line and the process exits with code 1.
 */
export async function runPlatformApp(
  appModule: AppModuleFactory,
  options: PlatformAppOptions,
  hooks: RunHooks = { exit: (code) => process.exit(code) },
): Promise<NestFastifyApplication | undefined> {
  let created: Awaited<ReturnType<typeof createPlatformApp>>;
  try {
    created = await createPlatformApp(appModule, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const settings = {
      base: { service: options.serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
    };
    const logger = hooks.stream ? pino(settings, hooks.stream) : pino(settings);
    logger.fatal({ settings: error.settings }, error.message);
    hooks.exit(1);
    return undefined;
  }
  await created.app.listen(created.config.PORT, '0.0.0.0');
  return created.app;
}
