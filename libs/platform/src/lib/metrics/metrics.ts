import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Header, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type GaugeConfiguration } from 'prom-client';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/principal';

export const METRICS_SERVICE_NAME = Symbol('METRICS_SERVICE_NAME');

/**
 * The service's Prometheus registry (prom-client): process and Node.js default metrics under their
 * standard names (`process_cpu_user_seconds_total`, `nodejs_eventloop_lag_seconds`, ... as standard
 * dashboards expect them), labelled with the service, plus the platform's own metrics, all named
 * `okr_*` (HTTP durations, relay and consumer lag, dead letters, deliveries, ...).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor(@Inject(METRICS_SERVICE_NAME) serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge in this registry; the same name twice returns the first one. */
  gauge<L extends string>(configuration: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    const existing = this.registry.getSingleMetric(configuration.name);
    if (existing) return existing as Gauge<L>;
    return new Gauge<L>({ ...configuration, registers: [this.registry] });
  }

  /** A counter in this registry; the same name twice returns the first one. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A histogram in this registry (Prometheus' default buckets unless given); the same name twice returns the first one. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: number[]): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram<L>({ name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) });
  }
}

/** `GET /metrics` in Prometheus' text format, outside `/api` and without a token (and the OpenAPI document), like the probes. */
@Public()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

export const METRICS_PORT = Symbol('METRICS_PORT');

/**
 * `GET /metrics` on its own port (`OKR_METRICS_PORT`), apart from the API: what Prometheus scrapes
 * pod by pod never goes through the Service or the ingress. Anything else on that port is a 404.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MetricsServer.name);
  private server: Server | undefined;

  constructor(
    private readonly metrics: Metrics,
    @Inject(METRICS_PORT) private readonly requestedPort: number,
  ) {}

  /** The port it listens on (the one chosen when `OKR_METRICS_PORT=0`). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? -1;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (error: unknown) => {
          this.logger.error({ err: error }, 'metrics could not be collected');
          response.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, '0.0.0.0', () => resolve());
    });
    this.server = server;
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Imported by `PlatformModule`; `Metrics` is global. Without a metrics port, `/metrics` is a route of
 * the API port (the embedded default); with `OKR_METRICS_PORT`, it is served there only.
 */
@Module({})
export class MetricsModule {
  static forRoot(serviceName: string, metricsPort?: number): DynamicModule {
    const separate = metricsPort !== undefined;
    return {
      module: MetricsModule,
      global: true,
      controllers: separate ? [] : [MetricsController],
      providers: [
        { provide: METRICS_SERVICE_NAME, useValue: serviceName },
        Metrics,
        ...(separate ? [{ provide: METRICS_PORT, useValue: metricsPort }, MetricsServer] : []),
      ],
      exports: [Metrics],
    };
  }
}
