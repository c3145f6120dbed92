import { Controller, Get, Header, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics, type GaugeConfiguration } from 'prom-client';
import { Public } from '../auth/principal';

export const METRICS_SERVICE_NAME = Symbol('METRICS_SERVICE_NAME');

/**
 * The service's Prometheus registry (prom-client): process and Node.js default metrics, labelled with
 * the service, plus the gauges the platform's parts register (relay lag, projection drift, ...).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor(@Inject(METRICS_SERVICE_NAME) serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this.registry, prefix: 'okr_' });
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
}

/** `GET /metrics` in Prometheus' text format, outside `/api` and without a token, like the probes. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

/** Imported by `PlatformModule`; `Metrics` is global. */
@Module({})
export class MetricsModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_SERVICE_NAME, useValue: serviceName }, Metrics],
      exports: [Metrics],
    };
  }
}
