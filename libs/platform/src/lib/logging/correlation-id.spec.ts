import { Controller, Get, Post } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CorrelationId, genCorrelationId, isValidCorrelationId } from './correlation-id';
import { platformPinoHttpOptions } from './logger.module';
import { Permission } from '../auth/permission.decorator';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

@Controller('api/log')
class LoggingController {
  constructor(@InjectPinoLogger('LoggingController') private readonly logger: PinoLogger) {}

  @Post('work')
  @Permission('self:write')
  work(@CorrelationId() correlationId: string, @CurrentPrincipal() principal: Principal) {
    this.logger.info({ step: 1 }, 'first step');
    this.logger.info({ step: 2 }, 'second step');
    return { correlationId, user: principal.userId };
  }

  @Get('public-ish')
  @Permission('tenant:read')
  other() {
    return {};
  }
}

describe('correlation ids and logging', () => {
  let t: PlatformTestApp;
  let authorization: string;

  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [LoggingController] });
    authorization = `Bearer ${await t.token()}`;
  });
  afterAll(() => t.close());

  it('adopts a valid X-Correlation-Id, echoes it, hands it to the handler and puts it on every line of the request', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/log/work',
      headers: { authorization, 'x-correlation-id': 'client.req:42-a_b' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('client.req:42-a_b');
    expect(res.json()).toEqual({ correlationId: 'client.req:42-a_b', user: 'alice' });

    const lines = t.logs.lines.filter((l) => l['correlationId'] === 'client.req:42-a_b');
    expect(lines.map((l) => l['msg'])).toEqual(['first step', 'second step', 'request completed']);
    expect(lines.every((l) => l['service'] === 'test' && typeof l['time'] === 'string')).toBe(true);
  });

  it('generates a UUID v7 when the header is missing or invalid', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/api/log/work', headers: { authorization } });
    expect(none.headers['x-correlation-id']).toMatch(UUID_V7);
    expect(none.json().correlationId).toBe(none.headers['x-correlation-id']);

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/log/work',
      headers: { authorization, 'x-correlation-id': 'has spaces; and <script>' },
    });
    expect(bad.headers['x-correlation-id']).toMatch(UUID_V7);
    expect(bad.headers['x-correlation-id']).not.toBe(none.headers['x-correlation-id']);
  });

  it('echoes the id on error responses too', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/log/work', headers: { 'x-correlation-id': 'no-token-1' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-correlation-id']).toBe('no-token-1');
    expect(res.json().correlationId).toBe('no-token-1');
  });

  it('never logs the Authorization header', async () => {
    const token = authorization.slice('Bearer '.length);
    await t.app.inject({ method: 'POST', url: '/api/log/work', headers: { authorization, 'x-correlation-id': 'redact-1' } });
    const completed = t.logs.lines.find((l) => l['correlationId'] === 'redact-1' && l['msg'] === 'request completed');
    expect(completed?.['req']).toMatchObject({ headers: { authorization: '[redacted]' } });
    expect(t.logs.text()).not.toContain(token);
  });

  it('binds only the correlation id to the loggers of a request: the request itself is serialized when its completion line is written', () => {
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const middleware = pinoHttp(platformPinoHttpOptions({ LOG_LEVEL: 'warn' }, 'test'), sink);
    const req = Object.assign(new IncomingMessage(new Socket()), { id: 'bind-1', method: 'GET', url: '/api/log/public-ish' });
    req.headers = { authorization };
    const res = new ServerResponse(req);
    middleware(req, res);
    for (const logger of [req.log, res.log]) {
      expect(logger.bindings()).toMatchObject({ correlationId: 'bind-1' });
      expect(Object.keys(logger.bindings()).filter((key) => !['service', 'correlationId'].includes(key))).toEqual([]);
    }
  });

  it('censors secret fields whole wherever a log object has them, and leaves other text alone', async () => {
    const logger = await t.app.resolve(PinoLogger);
    logger.info({ smtp: { host: 'smtp.example.com', password: 'a' }, secret: 'whsec_x', detail: 'a banana' }, 'settings saved');
    const line = t.logs.lines.find((l) => l['msg'] === 'settings saved');
    expect(line).toMatchObject({ smtp: { host: 'smtp.example.com', password: '[redacted]' }, secret: '[redacted]', detail: 'a banana' });
  });

  it('accepts only 1-128 characters of [A-Za-z0-9._:-]', () => {
    expect(isValidCorrelationId('a'.repeat(128))).toBe(true);
    expect(isValidCorrelationId('a'.repeat(129))).toBe(false);
    expect(isValidCorrelationId('')).toBe(false);
    expect(isValidCorrelationId('ok/slash')).toBe(false);
    expect(genCorrelationId({ headers: { 'x-correlation-id': ['first-1', 'second'] } })).toBe('first-1');
  });
});
