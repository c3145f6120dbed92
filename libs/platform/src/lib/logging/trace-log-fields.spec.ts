import { Body, Controller, Get, Logger, Post } from '@nestjs/common';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Permission } from '../auth/permission.decorator';
import { Tracing } from '../tracing/tracing';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = `00-${CALLER_TRACE}-00f067aa0ba902b7-01`;

@Controller('api/traced-logs')
class TracedLogsController {
  private readonly nestLogger = new Logger('TracedLogs');
  constructor(@InjectPinoLogger('TracedLogs') private readonly logger: PinoLogger) {}

  @Post()
  @Permission('self:write')
  async write(@Body() body: { mark: string }) {
    this.logger.info({ mark: body.mark }, 'before any await');
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.nestLogger.log({ mark: body.mark }, 'after a timer, through Nest');
    return {};
  }

  @Get()
  @Permission('tenant:read')
  read() {
    this.logger.info({ mark: 'get' }, 'reading');
    return {};
  }
}

describe('log lines carry the active span', () => {
  const exporter = new InMemorySpanExporter();
  let t: PlatformTestApp;
  let authorization: string;
  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [TracedLogsController], spanProcessor: new SimpleSpanProcessor(exporter) });
    authorization = `Bearer ${await t.token()}`;
  });
  afterAll(() => t.close());
  beforeEach(() => exporter.reset());

  const linesOf = (mark: string) => t.logs.lines.filter((line) => line['mark'] === mark);

  it("every line a handler writes while serving a request with a body names the request's server span", async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/traced-logs',
      headers: { authorization, traceparent: CALLER, 'content-type': 'application/json' },
      payload: JSON.stringify({ mark: 'post-1' }),
    });
    expect(response.statusCode).toBe(201);
    const [server] = exporter.getFinishedSpans();
    expect(server.name).toBe('POST /api/traced-logs');
    const lines = linesOf('post-1');
    expect(lines.map((line) => line['msg'])).toEqual(['before any await', 'after a timer, through Nest']);
    for (const line of lines) {
      expect(line).toMatchObject({ trace_id: CALLER_TRACE, span_id: server.spanContext().spanId, trace_flags: '01' });
    }
  });

  it('a request without a traceparent: its lines carry the new trace', async () => {
    await t.app.inject({ method: 'GET', url: '/api/traced-logs', headers: { authorization } });
    const [server] = exporter.getFinishedSpans();
    expect(linesOf('get')[0]).toMatchObject({ trace_id: server.spanContext().traceId, span_id: server.spanContext().spanId });
  });

  it("a line written in a span of the service's own (a consumer's, a delivery's) names that span; one outside any span names none", async () => {
    const logger = await t.app.resolve(PinoLogger);
    const tracing = t.app.get(Tracing);
    const inner = await tracing.inSpan({ traceparent: CALLER, name: 'handle event' }, async (span) => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info({ mark: 'in-span' }, 'handling');
      return span.spanContext();
    });
    logger.info({ mark: 'outside' }, 'idle');
    expect(linesOf('in-span')[0]).toMatchObject({ trace_id: CALLER_TRACE, span_id: inner.spanId });
    expect(linesOf('outside')[0]).not.toHaveProperty('trace_id');
    expect(linesOf('outside')[0]).not.toHaveProperty('span_id');
  });
});
