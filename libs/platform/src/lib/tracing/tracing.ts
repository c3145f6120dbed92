import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import {
  ProxyTracerProvider,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { PlatformConfig } from '../config/platform-config';
import { contextFrom } from './trace-context';

/**
 * DI token of the span processor of the service's traces: a batch exporter to `OKR_OTLP_ENDPOINT`,
 * or null (tracing off). Tests override it with a `SimpleSpanProcessor` over an `InMemorySpanExporter`.
 */
export const SPAN_PROCESSOR = Symbol('SPAN_PROCESSOR');
export const TRACING_SERVICE_NAME = Symbol('TRACING_SERVICE_NAME');

/** Where OTLP/HTTP traces go for a collector's base URL (`http://collector:4318` -> `.../v1/traces`). */
export const otlpTracesUrl = (endpoint: string): string =>
  /\/v1\/traces\/?$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`;

/** The span processor the configuration asks for: OTLP/HTTP in batches when `OKR_OTLP_ENDPOINT` is set. */
export const spanProcessorOf = (config: Pick<PlatformConfig, 'OKR_OTLP_ENDPOINT'>): SpanProcessor | null =>
  config.OKR_OTLP_ENDPOINT ? new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(config.OKR_OTLP_ENDPOINT) })) : null;

/** One span to start per item of a batch: the trace it continues, its name and attributes. */
export interface SpanRequest {
  traceparent?: string | undefined;
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
}

let contextManagerInstalled = false;

/**
 * The service's OpenTelemetry tracer. With a span processor, a tracer provider of its own (resource
 * `service.name`), so several services in one process (the end-to-end tests) each report as
 * themselves; the first one also installs the AsyncLocalStorage context manager that `context.with`
 * needs in Node. Without one (the default), the no-op tracer: no span is recorded, yet a `traceparent`
 * that came in still travels on unchanged (a no-op span carries its parent's context).
 */
@Injectable()
export class Tracing implements OnApplicationShutdown {
  readonly tracer: Tracer;
  private readonly provider: NodeTracerProvider | undefined;

  constructor(@Inject(TRACING_SERVICE_NAME) serviceName: string, @Inject(SPAN_PROCESSOR) processor: SpanProcessor | null) {
    if (!processor) {
      this.tracer = new ProxyTracerProvider().getTracer('okr');
      return;
    }
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
      spanProcessors: [processor],
    });
    if (!contextManagerInstalled) {
      this.provider.register({ propagator: new W3CTraceContextPropagator() });
      contextManagerInstalled = true;
    }
    this.tracer = this.provider.getTracer('okr');
  }

  /** Whether spans are recorded and exported. */
  get enabled(): boolean {
    return this.provider !== undefined;
  }

  /**
   * Runs `work` in a span continuing `traceparent` (a new trace without one), as the active span, so
   * that what it causes can carry the span's own `traceparent`. A throw marks the span as an error.
   */
  inSpan<T>(request: SpanRequest, work: (span: Span) => Promise<T>): Promise<T> {
    return this.inSpans([request], (spans) => work(spans[0]));
  }

  /**
   * Runs `work` once for a batch, in one span per item, each continuing its own item's trace (a batch of
   * events applied in one transaction shows in every event's trace). With a single item its span is
   * the active one while `work` runs; a batch's spans are not (no one of them is the parent of what
   * follows). All end when `work` does; a throw marks each as an error.
   */
  async inSpans<T>(requests: readonly SpanRequest[], work: (spans: Span[]) => Promise<T>): Promise<T> {
    const spans = requests.map((r) =>
      this.tracer.startSpan(r.name, { ...(r.kind === undefined ? {} : { kind: r.kind }), attributes: r.attributes ?? {} }, contextFrom(r.traceparent)),
    );
    const active = spans.length === 1 ? trace.setSpan(context.active(), spans[0]) : context.active();
    try {
      return await context.with(active, () => work(spans));
    } catch (error) {
      for (const span of spans) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /** Sends what is still buffered (on SIGTERM, before the process ends). */
  async onApplicationShutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}

/** Provides the global {@link Tracing} of a service; imported by `PlatformModule`. */
@Module({})
export class TracingModule {
  static forRoot(serviceName: string, config: Pick<PlatformConfig, 'OKR_OTLP_ENDPOINT'>): DynamicModule {
    return {
      module: TracingModule,
      global: true,
      providers: [
        { provide: TRACING_SERVICE_NAME, useValue: serviceName },
        { provide: SPAN_PROCESSOR, useFactory: () => spanProcessorOf(config) },
        Tracing,
      ],
      exports: [Tracing],
    };
  }
}
