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
    expect(response.body).toMatch(/^okr_process_cpu_user_seconds_total\{service="test"\} /m);
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
