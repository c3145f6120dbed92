import { Controller, Get, Module, Res, ServiceUnavailableException, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/principal';
import { ReadinessIndicators } from './readiness';

/**
 * Kubernetes probes, outside `/api` and without a token. `live` answers while the process serves;
 * `ready` checks every `@ReadinessCheck()` provider and turns `down` once shutdown has begun, so
 * traffic drains before the listener closes. Bodies are terminus' (`status`, `info`, `error`,
 * `details`), 503 when not ready. Left out of the OpenAPI document, like `/metrics`: the document
 * describes the API for its clients; the probes are terminus' contract with Kubernetes.
 */
@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  @Get('live')
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks: HealthIndicatorFunction[] = this.readiness.all().map((indicator) => () => indicator.isReady());
    if (this.shuttingDown) checks.push(() => this.indicators.check('lifecycle').down('shutting down'));
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse();
    }
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}

/**
 * `GET /health/live` and `GET /health/ready` (terminus). Imported by `PlatformModule`. Its
 * `HealthIndicatorService` is exported so that apps can write indicators of their own.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), DiscoveryModule],
  controllers: [HealthController],
  providers: [ReadinessIndicators],
  exports: [TerminusModule],
})
export class PlatformHealthModule {}
