import { Controller, Get, Req } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace, context } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyRequest } from 'fastify';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing/platform-test-app';
import { Public } from '../auth/principal';
import { ConfigError, loadConfig } from '../config/load-config';
import { requestTraceparent } from '../http/http-observability';
import { activeTraceparent, traceparentOf } from './trace-context';
import { Tracing, otlpTracesUrl, spanProcessorOf } from './tracing';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

@Public()
@Controller('probe')
class ProbeController {
  @Get(':id')
  probe(@Req() request: FastifyRequest): { traceparent: string | null } {
    return { traceparent: requestTraceparent(request) ?? null };
  }
}

describe('tracing on (a span processor)', () => {
  const exporter = new InMemorySpanExporter();
  let t: PlatformTestApp;
  beforeAll(async () => (t = await createPlatformTestApp({ controllers: [ProbeController], spanProcessor: new SimpleSpanProcessor(exporter) })));
  afterAll(() => t.close());
  beforeEach(() => exporter.reset());

  it("a request's server span continues the caller's traceparent, named by its route template, and is what its writes carry", async () => {
    const response = await t.app.inject({ method: 'GET', url: '/probe/42?x=1', headers: { traceparent: CALLER } });
    expect(response.statusCode).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'GET /probe/:id', kind: SpanKind.SERVER });
    expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.attributes).toMatchObject({ 'http.route': '/probe/:id', 'http.request.method': 'GET', 'url.path': '/probe/42', 'http.response.status_code': 200 });
    expect(span.resource.attributes['service.name']).toBe('test');
    // The request's own span, not the caller's: the events it writes are children of this request.
    expect(response.json().traceparent).toBe(traceparentOf(span.spanContext()));
  });

  it('starts a new trace without a traceparent, and traces neither probes nor scrapes', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/probe/1' });
    await t.app.inject({ method: 'GET', url: '/health/live' });
    await t.app.inject({ method: 'GET', url: '/metrics' });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['GET /probe/:id']);
    expect(spans[0].parentSpanContext).toBeUndefined();
    expect(response.json().traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('marks a 5xx as an error and names an unmatched request without its URL', async () => {
    await t.app.inject({ method: 'GET', url: '/nowhere/at/all' });
    expect(exporter.getFinishedSpans()[0]).toMatchObject({ name: 'GET unmatched', attributes: expect.objectContaining({ 'http.response.status_code': 404 }) });
  });

  it('inSpan makes its span the active one, and a throw an error of the span', async () => {
    const tracing = t.app.get(Tracing);
    const seen = await tracing.inSpan({ traceparent: CALLER, name: 'work' }, async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      return { active: activeTraceparent(), own: traceparentOf(span.spanContext()) };
    });
    expect(seen.active).toBe(seen.own);
    expect(seen.active).toContain(CALLER_TRACE);
    await expect(tracing.inSpan({ name: 'fails' }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const failed = exporter.getFinishedSpans().find((s) => s.name === 'fails');
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(trace.getSpan(context.active())).toBeUndefined();
  });

  it('inSpans gives each item of a batch a span in its own trace', async () => {
    const other = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await t.app.get(Tracing).inSpans([{ traceparent: CALLER, name: 'apply' }, { traceparent: other, name: 'apply' }], async () => undefined);
    expect(exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).toEqual([CALLER_TRACE, '0af7651916cd43dd8448eb211c80319c']);
  });
});

describe('tracing off (the default)', () => {
  let t: PlatformTestApp;
  beforeAll(async () => (t = await createPlatformTestApp({ controllers: [ProbeController] })));
  afterAll(() => t.close());

  it("records nothing, yet passes the caller's traceparent on unchanged and invents none", async () => {
    expect(t.app.get(Tracing).enabled).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/probe/1', headers: { traceparent: CALLER } })).json().traceparent).toBe(CALLER);
    expect((await t.app.inject({ method: 'GET', url: '/probe/1' })).json().traceparent).toBeNull();
  });

  it('exports over OTLP/HTTP only when OKR_OTLP_ENDPOINT is a valid URL', () => {
    expect(spanProcessorOf(loadConfig({}, { PORT: 0 }))).toBeNull();
    expect(spanProcessorOf(loadConfig({ OKR_OTLP_ENDPOINT: 'http://otel-collector:4318' }, { PORT: 0 }))).not.toBeNull();
    expect(() => loadConfig({ OKR_OTLP_ENDPOINT: 'otel-collector' }, { PORT: 0 })).toThrow(ConfigError);
    expect(otlpTracesUrl('http://otel-collector:4318/')).toBe('http://otel-collector:4318/v1/traces');
    expect(otlpTracesUrl('https://collector.example/v1/traces')).toBe('https://collector.example/v1/traces');
  });
});
