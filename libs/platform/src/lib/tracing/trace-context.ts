import { ROOT_CONTEXT, context, isSpanContextValid, trace, type Context, type SpanContext, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

const fromTraceparent: TextMapGetter<string | undefined> = {
  keys: () => ['traceparent'],
  get: (carrier, key) => (key === 'traceparent' ? carrier : undefined),
};

/**
 * The context that continues the trace of a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`);
 * the root context (a new trace) when there is none or it is malformed.
 */
export function contextFrom(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!traceparent) return base;
  return propagator.extract(base, traceparent, fromTraceparent);
}

/** A span context as a W3C `traceparent`; undefined for an invalid (non-existent) one. */
export function traceparentOf(spanContext: SpanContext | undefined): string | undefined {
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * The `traceparent` of the span running now (what a consumer's handler writes into the events and
 * deliveries it causes), or undefined outside any span.
 */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getSpanContext(context.active()));
}

/** The trace id of a `traceparent`; undefined when there is none or it is malformed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? trace.getSpanContext(contextFrom(traceparent))?.traceId : undefined;
}

/**
 * The trace fields of a log line written now: `trace_id`, `span_id` and `trace_flags` of the active
 * span (OpenTelemetry's names for them in logs), none outside a span. A log backend joins each line
 * to its trace by them.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getSpanContext(context.active());
  if (!span || !isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId, trace_flags: (span.traceFlags & 0xff).toString(16).padStart(2, '0') };
}
