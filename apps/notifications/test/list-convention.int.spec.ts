import { createServiceTestApp, listConventionViolations, PLATFORM_NOT_LISTS, type ServiceTestApp } from '@okr/platform/testing';
import { NotificationsModule } from '../src/app.module';
import { TEST_SECRETS_KEY, TEST_SETTINGS, TestClock } from './support/notifications-test-app';

/** GET routes of notifications that answer one resource, not a list (every other GET route must be a documented list). */
const NOT_LISTS = [...PLATFORM_NOT_LISTS, 'GET /api/v1/deliveries/{id}', 'GET /api/v1/webhooks/{id}', 'GET /api/v1/channels/email', 'GET /api/v1/preferences'];

describe('notifications OpenAPI: every list follows the list convention', () => {
  let t: ServiceTestApp;
  beforeAll(async () => {
    t = await createServiceTestApp('notifications', (config, logs) =>
        NotificationsModule.forRoot(config, { logStream: logs, settings: TEST_SETTINGS, clock: new TestClock(), secretsKey: TEST_SECRETS_KEY }), {
      openApi: { title: 'notifications', version: '1' },
    });
  });
  afterAll(() => t.close(true));

  it('documents limit, cursor and a page of items with nextCursor on every GET list route', async () => {
    const document = (await t.call('GET', '/api/docs-json', { token: null })).body;
    expect(listConventionViolations(document, NOT_LISTS)).toEqual([]);
  });

  it('pages the follows, webhooks, deliveries and inbox lists, refusing a limit over the maximum', async () => {
    for (const path of ['/api/v1/follows', '/api/v1/webhooks', '/api/v1/deliveries', '/api/v1/notifications']) {
      expect((await t.call('GET', `${path}?limit=1`)).body).toEqual({ items: [], nextCursor: null });
      expect((await t.call('GET', `${path}?limit=201`)).body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    }
  });
});
