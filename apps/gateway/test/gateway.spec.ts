import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { ConfigError } from '@okr/platform';
import type { RouteTable, ServiceName } from '@okr/routing';
import { buildGateway } from '../src/gateway';
import { loadGatewayConfig } from '../src/gateway.config';

/** A stand-in service: answers every request with what it received, as JSON, and its own name. */
async function echoService(name: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.all('/*', async (request, reply) => {
    const body = request.body as Buffer | undefined;
    return reply
      .code(request.url.includes('status=') ? Number(new URL(request.url, 'http://x').searchParams.get('status')) : 200)
      .header('etag', '"7"')
      .header('x-service', name)
      .send({ service: name, method: request.method, url: request.url, headers: request.headers, body: body ? body.toString('base64') : null });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address };
}

const TABLE: RouteTable = {
  routes: [
    { method: 'GET', path: '/api/v1/objectives/:id', service: 'goals' },
    { method: 'GET', path: '/api/v1/objectives/:id/summary', service: 'insights' },
    { method: 'GET', path: '/api/v1/learnings', service: 'insights' },
    { method: 'POST', path: '/api/v1/learnings', service: 'check-ins' },
    { method: 'PUT', path: '/api/v1/preferences', service: 'notifications' },
  ],
};

describe('gateway: one origin for the web app and the four services', () => {
  const services = {} as Record<ServiceName, { app: FastifyInstance; url: string }>;
  let webDir: string;
  let gateway: FastifyInstance;
  const silent = pino({ level: 'silent' });
  const env = (extra: Record<string, string> = {}) => ({
    OKR_GOALS_URL: services.goals.url,
    OKR_CHECK_INS_URL: services['check-ins'].url,
    OKR_INSIGHTS_URL: services.insights.url,
    OKR_NOTIFICATIONS_URL: services.notifications.url,
    OKR_WEB_DIR: webDir,
    ...extra,
  });

  beforeAll(async () => {
    for (const name of ['goals', 'check-ins', 'insights', 'notifications'] as const) services[name] = await echoService(name);
    webDir = await mkdtemp(join(tmpdir(), 'okr-web-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>OKR</title><div id="root"></div>');
    await writeFile(join(webDir, 'assets', 'app-1a2b.js'), 'console.log("app")');
    gateway = await buildGateway(loadGatewayConfig(env()), { table: TABLE, logger: silent });
  });
  afterAll(async () => {
    await gateway?.close();
    for (const service of Object.values(services)) await service.app.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('sends each method and path to the service the table names, even where their paths interleave', async () => {
    const answers = await Promise.all([
      gateway.inject({ method: 'GET', url: '/api/v1/objectives/o-1' }),
      gateway.inject({ method: 'GET', url: '/api/v1/objectives/o-1/summary' }),
      gateway.inject({ method: 'GET', url: '/api/v1/learnings?limit=5' }),
      gateway.inject({ method: 'POST', url: '/api/v1/learnings', payload: { tried: 'x' } }),
    ]);
    expect(answers.map((a) => [a.statusCode, a.json().service, a.json().url])).toEqual([
      [200, 'goals', '/api/v1/objectives/o-1'],
      [200, 'insights', '/api/v1/objectives/o-1/summary'],
      [200, 'insights', '/api/v1/learnings?limit=5'],
      [200, 'check-ins', '/api/v1/learnings'],
    ]);
  });

  it('forwards the request headers and the body as they came, and adds X-Forwarded-* and the correlation id', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const r = await gateway.inject({
      method: 'PUT',
      url: '/api/v1/preferences',
      headers: {
        authorization: 'Bearer abc.def.ghi',
        'if-match': '"6"',
        'idempotency-key': 'k-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-correlation-id': 'corr-42',
        'content-type': 'application/octet-stream',
        host: 'okr.example.com',
      },
      payload: bytes,
    });
    const seen = r.json();
    expect(seen.service).toBe('notifications');
    expect(seen.headers).toMatchObject({
      authorization: 'Bearer abc.def.ghi',
      'if-match': '"6"',
      'idempotency-key': 'k-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'x-correlation-id': 'corr-42',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'okr.example.com',
    });
    expect(Buffer.from(seen.body, 'base64')).toEqual(bytes);
    expect(r.headers).toMatchObject({ etag: '"7"', 'x-service': 'notifications', 'x-correlation-id': 'corr-42' });
  });

  it("answers with the service's status, errors included", async () => {
    const r = await gateway.inject({ method: 'GET', url: '/api/v1/objectives/o-1?status=409' });
    expect(r.statusCode).toBe(409);
    expect(r.json().service).toBe('goals');
  });

  it('answers problem+json 404 no-such-route for an /api path or method no service has', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['DELETE', '/api/v1/learnings'],
      ['GET', '/api'],
      ['POST', '/not-api'],
    ] as const) {
      const r = await gateway.inject({ method, url });
      expect([r.statusCode, r.headers['content-type']]).toEqual([404, 'application/problem+json; charset=utf-8']);
      expect(r.json()).toMatchObject({ status: 404, code: 'no-such-route', instance: url, detail: expect.stringContaining(`${method} ${url}`) });
    }
  });

  it("serves each service's OpenAPI document at /api/docs/{service}-json", async () => {
    const r = await gateway.inject({ method: 'GET', url: '/api/docs/check-ins-json' });
    expect([r.json().service, r.json().url]).toEqual(['check-ins', '/api/docs-json']);
  });

  it('serves the web app: its files, and index.html for any deep link', async () => {
    const asset = await gateway.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect([asset.statusCode, asset.body, asset.headers['cache-control']]).toEqual([200, 'console.log("app")', 'public, max-age=31536000, immutable']);
    for (const url of ['/', '/objectives/o-1?asOf=2026-08-01', '/teams/growth/replay']) {
      const page = await gateway.inject({ method: 'GET', url });
      expect([page.statusCode, page.headers['content-type'], page.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
      expect(page.body).toContain('<div id="root">');
    }
  });

  it('says plainly that the web app is not built, and still serves the API', async () => {
    const bare = await buildGateway(loadGatewayConfig(env({ OKR_WEB_DIR: join(webDir, 'missing') })), { table: TABLE, logger: silent });
    try {
      const page = await bare.inject({ method: 'GET', url: '/objectives/o-1' });
      expect([page.statusCode, page.headers['content-type']]).toEqual([503, 'text/html; charset=utf-8']);
      expect(page.body).toContain('The web app is not built');
      expect((await bare.inject({ method: 'GET', url: '/api/v1/learnings' })).json().service).toBe('insights');
      expect((await bare.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('with OKR_GATEWAY_PROXY=false serves the web app alone (the Kubernetes web Deployment)', async () => {
    const web = await buildGateway(loadGatewayConfig(env({ OKR_GATEWAY_PROXY: 'false' })), { table: TABLE, logger: silent });
    try {
      expect((await web.inject({ method: 'GET', url: '/objectives/o-1' })).body).toContain('<div id="root">');
      const api = await web.inject({ method: 'GET', url: '/api/v1/learnings' });
      expect([api.statusCode, api.json().code]).toEqual([404, 'no-such-route']);
      expect((await web.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      await web.close();
    }
  });

  it('is not ready to serve the web app alone without a build', async () => {
    const empty = await buildGateway(loadGatewayConfig(env({ OKR_GATEWAY_PROXY: 'false', OKR_WEB_DIR: join(webDir, 'missing') })), { table: TABLE, logger: silent });
    try {
      expect((await empty.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      expect((await empty.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    } finally {
      await empty.close();
    }
  });

  it('answers 502 problem+json naming the service when it cannot be reached', async () => {
    const down = await buildGateway(loadGatewayConfig(env({ OKR_INSIGHTS_URL: 'http://127.0.0.1:1' })), { table: TABLE, logger: silent });
    try {
      const r = await down.inject({ method: 'GET', url: '/api/v1/learnings' });
      expect([r.statusCode, r.headers['content-type']]).toEqual([502, 'application/problem+json; charset=utf-8']);
      expect(r.json()).toMatchObject({ code: 'service-unavailable', details: { service: 'insights' } });
    } finally {
      await down.close();
    }
  });
});

describe('gateway configuration', () => {
  it('defaults to :3000 in front of the services on 3001-3004', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      PORT: 3000,
      OKR_GATEWAY_PROXY: true,
      OKR_GOALS_URL: 'http://127.0.0.1:3001',
      OKR_CHECK_INS_URL: 'http://127.0.0.1:3002',
      OKR_INSIGHTS_URL: 'http://127.0.0.1:3003',
      OKR_NOTIFICATIONS_URL: 'http://127.0.0.1:3004',
      OKR_WEB_DIR: 'dist/apps/web',
    });
  });

  it('refuses a bad setting at start, naming it', () => {
    expect(() => loadGatewayConfig({ OKR_GOALS_URL: 'goals:3001', PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ OKR_GOALS_URL: 'goals:3001' })).toThrow(/OKR_GOALS_URL must be an http\(s\) URL/);
    expect(() => loadGatewayConfig({ OKR_GATEWAY_PROXY: 'maybe' })).toThrow(/OKR_GATEWAY_PROXY must be true or false/);
  });
});
