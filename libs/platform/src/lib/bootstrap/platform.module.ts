import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { ApiKeyVerifier } from '../auth/api-key';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { PermissionGuard } from '../auth/permission.guard';
import { TokenVerifier } from '../auth/token-verifier';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { validationPipe } from '../errors/validation-pipe';
import { PlatformHealthModule } from '../health/health.module';
import { eventStoreIdempotencyProvider } from '../idempotency/event-store-idempotency-store';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { NoStoreForSecretsInterceptor, PrincipalRateLimitGuard } from '../http/security';
import { platformLoggerModule } from '../logging/logger.module';
import { MetricsModule } from '../metrics/metrics';
import { TracingModule } from '../tracing/tracing';

export interface PlatformModuleOptions {
  /** Name on every log line (`service`). */
  serviceName: string;
  /** The service's validated configuration (see `loadConfig`). */
  config: PlatformConfig;
  /** Destination of the JSON log lines; stdout when omitted. */
  logStream?: DestinationStream;
}

/**
 * The shared plumbing of a service, imported once by its root module: `PLATFORM_CONFIG`, the pino
 * logger (with correlation ids), the global `JwtAuthGuard` then `PermissionGuard`, `ProblemDetailsFilter` and
 * `validationPipe()`, and the health endpoints. Global, so its exports (`PLATFORM_CONFIG`,
 * `TokenVerifier`, terminus' `HealthIndicatorService`, `Metrics`, `Tracing`) reach every module.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [
        platformLoggerModule(options.config, { serviceName: options.serviceName, stream: options.logStream }),
        PlatformHealthModule,
        MetricsModule.forRoot(options.serviceName, options.config.OKR_METRICS_PORT),
        TracingModule.forRoot(options.serviceName, options.config),
      ],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: options.config },
        TokenVerifier,
        ApiKeyVerifier,
        // In this order: authenticate, then authorize.
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: PrincipalRateLimitGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
        { provide: APP_INTERCEPTOR, useClass: NoStoreForSecretsInterceptor },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
      exports: [PLATFORM_CONFIG, TokenVerifier, ApiKeyVerifier, PlatformHealthModule],
    };
  }
}

/**
 * Providers that make every write under `/api` honour `Idempotency-Key`, with responses kept in the
 * event store. Add them to the module that provides `EVENT_STORE` (or imports it).
 */
export function idempotencyProviders(): Provider[] {
  return [eventStoreIdempotencyProvider, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }];
}
