import { newDelivery, preferencesId, defaultPreferences } from '../src/planning/plan-deliveries';
import { NotificationsStore } from '../src/store/notifications.store';
import { createNotificationsTestApp, dispatchUntilFailed, type NotificationsTestApp } from './support/notifications-test-app';

jest.setTimeout(30_000);

describe('preferences: shapes that are not objects, sent or already stored', () => {
  let notifications: NotificationsTestApp;
  beforeAll(async () => {
    notifications = await createNotificationsTestApp();
  });
  afterAll(() => notifications.close(true));

  const store = async () => notifications.app.get(NotificationsStore).collections();

  it.each([
    ['chat', { chat: [] }],
    ['chat', { chat: 'https://hooks.slack.com/services/x' }],
    ['quietHours', { quietHours: [] }],
    ['quietHours', { quietHours: ['22:00', '07:00'] }],
  ])('PUT with %s not an object: 400 naming it, and nothing saved', async (field, body) => {
    const res = await notifications.call('PUT', '/api/v1/preferences', { body });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await (await store()).preferences.findOne({ _id: preferencesId('acme', 'alice') })).toBeNull();
    const read = await notifications.call('GET', '/api/v1/preferences');
    expect(read.status).toBe(200);
    expect(read.body.chat).toBeNull();
  });

  it('reads preferences whose stored chat channel is broken (saved by an older version) as having none', async () => {
    const c = await store();
    for (const chat of [{}, [], { url: 42, format: 'slack' }, { url: 'x', format: 'smoke-signals' }]) {
      const { _id, ...prefs } = { ...defaultPreferences('acme', 'dora'), email: 'dora@acme.test', chat };
      await c.preferences.updateOne({ _id: preferencesId('acme', 'dora') }, { $set: prefs as never }, { upsert: true });
      const dora = await notifications.token('acme', 'dora');
      const read = await notifications.call('GET', '/api/v1/preferences', { token: dora });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ email: 'dora@acme.test', chat: null });
    }
  });

  it('a chat delivery to a broken stored chat channel fails at once instead of retrying', async () => {
    const c = await store();
    const { _id, ...prefs } = { ...defaultPreferences('acme', 'erin'), chat: {} };
    await c.preferences.updateOne({ _id: preferencesId('acme', 'erin') }, { $set: prefs as never }, { upsert: true });
    const delivery = newDelivery({
      tenantId: 'acme',
      dedupeKey: 'test:broken-chat:erin',
      channel: 'chat',
      rule: 'test',
      recipient: 'erin',
      subject: 'Hello',
      body: 'A chat message',
      triggeredBy: 'broken-chat',
      now: new Date(),
    });
    const failed = await dispatchUntilFailed(notifications, delivery, 'chat delivery failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toBe('the recipient no longer has a chat channel');
  });
});
