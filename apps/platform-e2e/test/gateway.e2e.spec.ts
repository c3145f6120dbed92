import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { NO_SUCH_ROUTE, buildGateway, loadGatewayConfig } from '@okr/gateway-app';
import { ROUTE_TABLE, routeTableFrom, routeTableModule, serviceDocsPath, type Route } from '@okr/routing';
import { eventually } from '@okr/platform/testing';
import { SERVICE_NAMES, listenPlatform, startPlatform, type Platform, type ServiceName } from './support/platform';
import { ROUTE_TABLE_MODULE } from './support/route-table';

/**
 * The one origin: the four services listening as `npm start` runs them, the gateway in front. Every
 * route of every service's OpenAPI document is called through the gateway and directly, and must get
 * the same answer; the committed routing table must be what the live documents make.
 */
describe('gateway: every route of every service through one origin', () => {
  let platform: Platform;
  let gateway: FastifyInstance;
  let base: string;
  let urls: Record<ServiceName, string>;
  let webDir: string;
  const seeded: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startPlatform();
    urls = await listenPlatform(platform);
    webDir = await mkdtemp(join(tmpdir(), 'okr-web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>OKR</title><div id="root"></div>');
    const config = loadGatewayConfig({
      OKR_GOALS_URL: urls.goals,
      OKR_CHECK_INS_URL: urls['check-ins'],
      OKR_INSIGHTS_URL: urls.insights,
      OKR_NOTIFICATIONS_URL: urls.notifications,
      OKR_WEB_DIR: webDir,
    });
    gateway = await buildGateway(config, { logger: pino({ level: 'silent' }) });
    base = await gateway.listen({ port: 0, host: '127.0.0.1' });

    const admin = await platform.token({ roles: ['admin'], user: 'ada' });
    const call = (service: ServiceName, method: string, url: string, body?: unknown) =>
      platform.call(service, method, url, admin, body === undefined ? {} : { body });
    const cycle = await call('goals', 'POST', '/api/v1/cycles', { name: 'Gateway', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 });
    seeded['cycle'] = cycle.body.id;
    const objective = await call('goals', 'POST', '/api/v1/objectives', { cycleId: seeded['cycle'], teamId: 'growth', title: 'Growth' });
    seeded['objective'] = objective.body.id;
    const kr = await call('goals', 'POST', `/api/v1/objectives/${seeded['objective']}/key-results`, { title: 'Activation', kind: 'increase', start: 0, target: 10 });
    seeded['keyResult'] = kr.body.id;
    const checkIn = await eventually(async () => {
      const r = await call('check-ins', 'POST', `/api/v1/key-results/${seeded['keyResult']}/check-ins`, { value: 1, confidence: 7, effectiveAt: '2026-10-05' });
      return r.status === 201 && r;
    }, 10_000, 'the key result known to check-ins');
    seeded['checkIn'] = checkIn.body.id;
    const learning = await call('check-ins', 'POST', '/api/v1/learnings', { objectiveId: seeded['objective'], tried: 'A', result: 'validated', insight: 'B' });
    seeded['learning'] = learning.body.id;
    const question = await call('check-ins', 'POST', `/api/v1/objectives/${seeded['objective']}/questions`, { text: 'Why?' });
    seeded['question'] = question.body.id;
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
    await platform?.close();
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  const fetchJson = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };

  it("serves each service's OpenAPI document, and the committed routing table is what those documents make", async () => {
    const documents = [];
    for (const service of SERVICE_NAMES) {
      const through = await fetchJson(`${base}${serviceDocsPath(service)}`);
      const direct = await fetchJson(`${urls[service]}/api/docs-json`);
      expect(through.status).toBe(200);
      expect(through.body).toEqual(direct.body);
      documents.push({ service, document: direct.body as never });
    }
    const live = routeTableFrom(documents);
    // A route added, moved or removed: `npm run gateway:routes` writes the table and the HTTPRoutes again.
    const stale = `${ROUTE_TABLE_MODULE} is stale: run npm run gateway:routes`;
    expect({ table: stale, routes: ROUTE_TABLE.routes }).toEqual({ table: stale, routes: live.routes });
    expect(await readFile(join(__dirname, '../../..', ROUTE_TABLE_MODULE), 'utf8')).toBe(routeTableModule(live));
  });

  /** A concrete URL for a route: its parameters filled with the seeded resources. */
  const urlOf = (route: Route): string =>
    route.path.replace(/:(\w+)/g, (_, name: string) => {
      const on = (prefix: string) => route.path.startsWith(`/api/v1/${prefix}/`);
      if (name === 'krId') return seeded['keyResult'] as string;
      if (name === 'kind') return 'objective';
      if (name === 'targetId') return seeded['objective'] as string;
      if (name === 'streamId') return `objective-${seeded['objective']}`;
      if (name === 'teamId' || (name === 'id' && on('teams'))) return 'growth';
      if (name !== 'id') return randomUUID();
      if (on('objectives')) return seeded['objective'] as string;
      if (on('cycles')) return seeded['cycle'] as string;
      if (on('check-ins')) return seeded['checkIn'] as string;
      if (on('learnings')) return seeded['learning'] as string;
      if (on('questions')) return seeded['question'] as string;
      return randomUUID();
    });

  it('answers every route of every service as the service does (an auditor: reads answer, writes are refused before they run)', async () => {
    const auditor = await platform.token({ roles: ['auditor'], user: 'aud' });
    const headers = { authorization: `Bearer ${auditor}`, 'content-type': 'application/json' };
    const mismatches: string[] = [];
    // From the documents the services serve now, not from the committed table the gateway routes by.
    const documents = [];
    for (const service of SERVICE_NAMES) documents.push({ service, document: (await fetchJson(`${urls[service]}/api/docs-json`)).body as never });
    const documented = routeTableFrom(documents).routes;
    expect(documented.length).toBeGreaterThan(80);
    for (const route of documented) {
      const url = urlOf(route);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify({ teamId: 'growth', objectiveId: seeded['objective'] });
      const direct = await fetchJson(`${urls[route.service]}${url}`, { method: route.method, headers, ...(body ? { body } : {}) });
      const through = await fetchJson(`${base}${url}`, { method: route.method, headers, ...(body ? { body } : {}) });
      const where = `${route.method} ${route.path} (${route.service})`;
      if (through.body?.['code'] === NO_SUCH_ROUTE) mismatches.push(`${where}: the gateway has no route`);
      else if (through.status !== direct.status || through.body?.['code'] !== direct.body?.['code']) {
        mismatches.push(`${where}: ${through.status} ${String(through.body?.['code'] ?? '')} through the gateway, ${direct.status} ${String(direct.body?.['code'] ?? '')} directly`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 300_000);

  it('carries a write with its Idempotency-Key and the If-Match of a read, and answers its own 404 for a path no service has', async () => {
    const admin = await platform.token({ roles: ['admin'], user: 'ada' });
    const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': `gw-${randomUUID()}` };
    const body = JSON.stringify({ cycleId: seeded['cycle'], teamId: 'growth', title: 'Through the gateway' });
    const first = await fetchJson(`${base}/api/v1/objectives`, { method: 'POST', headers, body });
    const retry = await fetchJson(`${base}/api/v1/objectives`, { method: 'POST', headers, body });
    expect([first.status, retry.status, retry.body?.['id']]).toEqual([201, 201, first.body?.['id']]);

    const read = await fetchJson(`${base}/api/v1/objectives/${String(first.body?.['id'])}`, { headers: { authorization: `Bearer ${admin}` } });
    const etag = read.headers.get('etag');
    expect(etag).toBeTruthy();
    const stale = await fetchJson(`${base}/api/v1/objectives/${String(first.body?.['id'])}/rewordings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'if-match': '"999"' },
      body: JSON.stringify({ title: 'Reworded', reason: 'clearer' }),
    });
    expect(stale.status).toBe(409);

    const none = await fetchJson(`${base}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${admin}` } });
    expect([none.status, none.headers.get('content-type'), none.body?.['code']]).toEqual([404, 'application/problem+json; charset=utf-8', NO_SUCH_ROUTE]);
  });

  it('serves the web app for any other path (deep links open the app)', async () => {
    for (const path of ['/', '/objectives/abc', '/replay?asOf=2026-11-01']) {
      const response = await fetch(`${base}${path}`);
      expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      expect(await response.text()).toContain('<div id="root">');
    }
  });
});
