import { createPlatformTestApp, type PlatformTestApp } from '../../testing/platform-test-app';
import { Metrics, MetricsServer } from './metrics';

describe('GET /metrics', () => {
  let t: PlatformTestApp;
  beforeAll(async () => (t = await createPlatformTestApp()));
  afterAll(() => t.close());

  it('serves the Prometheus text format without a token, labelled with the service', async () => {
    t.app.get(Metrics).gauge({ name: 'okr_test_gauge', help: 'a gauge of the test', labelNames: ['kind'] }).set({ kind: 'x' }, 3);
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('okr_test_gauge{kind="x",service="test"} 3');
  });

  it("keeps Node's default metrics under their standard names (dashboards expect them unprefixed)", async () => {
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(body).toMatch(/^process_cpu_user_seconds_total\{service="test"\} /m);
    expect(body).toMatch(/^process_resident_memory_bytes\{service="test"\} /m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{service="test"\} /m);
    expect(body).toMatch(/^nodejs_heap_size_used_bytes\{service="test"\} /m);
    expect(body).not.toMatch(/^okr_(process|nodejs)_/m);
  });

  it('measures request durations per route template and status, never per raw URL', async () => {
    await t.app.inject({ method: 'GET', url: '/health/live' });
    await t.app.inject({ method: 'GET', url: '/no/such/route/8f1c' });
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const live = { method: 'GET', route: '/health/live', status_code: '200', service: 'test' };
    expect(sampleOf(body, 'okr_http_request_duration_seconds_count', live)).toBeGreaterThanOrEqual(1);
    expect(sampleOf(body, 'okr_http_request_duration_seconds_bucket', { ...live, le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(sampleOf(body, 'okr_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(body).not.toContain('8f1c');
  });

  it('gives the same gauge for the same name', () => {
    const metrics = t.app.get(Metrics);
    expect(metrics.gauge({ name: 'okr_same', help: 'h' })).toBe(metrics.gauge({ name: 'okr_same', help: 'h' }));
  });
});

describe('GET /metrics on its own port (OKR_METRICS_PORT)', () => {
  let t: PlatformTestApp;
  beforeAll(async () => (t = await createPlatformTestApp({ env: { OKR_METRICS_PORT: '0' } })));
  afterAll(() => t.close());

  it('is served there, and not on the API port', async () => {
    t.app.get(Metrics).gauge({ name: 'okr_apart', help: 'h' }).set(7);
    const port = t.app.get(MetricsServer).port;
    const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    expect(await scraped.text()).toContain('okr_apart{service="test"} 7');
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/objectives`)).status).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});

/** The value of the first sample of `name` carrying every one of `labels` (in any order), or undefined. */
function sampleOf(body: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([key, value]) => match[2].includes(`${key}="${value}"`));
    if (has) return Number(match[3]);
  }
  return undefined;
}
