import { SERVICE_NAMES, startPlatform, type Platform } from './support/platform';

describe('the four services on one data folder', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  }, 60_000);
  afterAll(() => platform.close());

  it.each(SERVICE_NAMES)('%s answers its liveness probe, and problem+json for an unknown route', async (service) => {
    const token = await platform.token({});
    expect((await platform.call(service, 'GET', '/health/live', token)).status).toBe(200);
    const unknown = await platform.apps[service].inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });
});
