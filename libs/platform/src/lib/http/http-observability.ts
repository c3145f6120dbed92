import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics/metrics';
import { contextFrom, traceparentOf } from '../tracing/trace-context';
import type { Tracing } from '../tracing/tracing';

/** The route label of a request that matched no route: never the raw URL, which has no bound. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Probes and scrapes are neither traced (noise every few seconds) nor the subject of a trace. */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

const spans = new WeakMap<IncomingMessage, Span>();

/** The route template a request matched (`/api/v1/objectives/:id`), or {@link UNMATCHED_ROUTE}. */
export const routeOf = (request: FastifyRequest): string => request.routeOptions?.url ?? UNMATCHED_ROUTE;

/**
 * The `traceparent` of a request's server span: the one its events carry in their metadata. Without a
 * span (tracing off, or an app without these hooks), the `traceparent` header as it came in.
 */
export function requestTraceparent(request: FastifyRequest): string | undefined {
  const own = traceparentOf(spans.get(request.raw)?.spanContext());
  if (own) return own;
  const header = request.headers['traceparent'];
  return typeof header === 'string' ? header : undefined;
}

/**
 * Every request of a service is measured and traced at the edge:
 * - `okr_http_request_duration_seconds{method, route, status_code}`, a histogram per route TEMPLATE
 *   (bounded label values) and status;
 * - a server span named `METHOD /route/:template` continuing the caller's W3C `traceparent` (a new
 *   trace without one), the active span while the request is served (so its log lines carry its
 *   ids), whose own `traceparent` goes into the metadata of the events the request writes, so that
 *   the relay, the bus and every consumer continue the same trace.
 */
export function observeHttp(fastify: FastifyInstance, tracing: Tracing, metrics: Metrics): void {
  const duration = metrics.histogram('okr_http_request_duration_seconds', 'Duration of HTTP requests by route template and status', [
    'method',
    'route',
    'status_code',
  ]);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!UNTRACED.test(request.url)) {
      const header = request.headers['traceparent'];
      const span = tracing.tracer.startSpan(
        `${request.method} ${routeOf(request)}`,
        {
          kind: SpanKind.SERVER,
          attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: routeOf(request), [ATTR_URL_PATH]: request.url.split('?')[0] },
        },
        contextFrom(typeof header === 'string' ? header : undefined),
      );
      spans.set(request.raw, span);
      // The span is the active one while the request is served (its log lines carry it): what
      // follows this hook runs inside `context.with`, and the body's stream events (after which
      // Fastify goes on to the handler) are bound to it, as OpenTelemetry's HTTP instrumentation does.
      const active = trace.setSpan(context.active(), span);
      context.bind(active, request.raw);
      context.bind(active, reply.raw);
      context.with(active, done);
      return;
    }
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    duration.observe({ method: request.method, route: routeOf(request), status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    endSpan(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    endSpan(request, undefined);
    done();
  });
}

function endSpan(request: FastifyRequest, statusCode: number | undefined): void {
  const span = spans.get(request.raw);
  if (!span) return;
  spans.delete(request.raw);
  if (statusCode === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection' });
  } else {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
