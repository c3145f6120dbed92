import { createServer, type Server } from 'node:net';
import { PRIVATE_DESTINATION } from '../src/channels';
import { defaultPreferences, newDelivery, preferencesId } from '../src/planning/plan-deliveries';
import { NotificationsStore } from '../src/store/notifications.store';
import { createNotificationsTestApp, dispatchUntilFailed, type NotificationsTestApp } from './support/notifications-test-app';

jest.setTimeout(30_000);

const smtp = (host: string, port = 25) => ({ host, port, from: 'OKR <okr@acme.test>' });

/**
 * A tenant's SMTP server is a destination like a webhook: with `OKR_WEBHOOK_ALLOW_PRIVATE=false` it
 * must not lead to the service's own network, neither when set nor when mail is sent.
 */
describe('notifications: the SMTP channel goes through the destination guard', () => {
  let notifications: NotificationsTestApp;
  let listener: Server;
  let connections = 0;
  let port = 0;

  beforeAll(async () => {
    listener = createServer((socket) => {
      connections += 1;
      socket.end('220 internal service\r\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
    notifications = await createNotificationsTestApp({ settings: { allowPrivateDestinations: false } });
  });
  afterAll(async () => {
    await notifications?.close(true);
    await new Promise((resolve) => listener.close(resolve));
  });

  it.each(['127.0.0.1', 'localhost', '169.254.169.254', '10.1.2.3', '[::1]', '::ffff:127.0.0.1', '0x7f.1', '2130706433'])(
    'refuses to set an SMTP server at %s: 400 naming host, nothing stored',
    async (host) => {
      const res = await notifications.call('PUT', '/api/v1/channels/email', { body: smtp(host, port) });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field: 'host', message: expect.stringMatching(/public address/) }]);
      expect((await notifications.call('GET', '/api/v1/channels/email')).status).toBe(404);
    },
  );

  it('refuses a host that is no host name', async () => {
    for (const host of ['smtp.example.com:25', 'a b', 'smtp.example.com/x']) {
      const res = await notifications.call('PUT', '/api/v1/channels/email', { body: smtp(host) });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('host');
    }
    expect(connections).toBe(0);
  });

  it('SMTP settings stored earlier that lead to a private address: the email fails at once and nothing connects', async () => {
    const c = await notifications.app.get(NotificationsStore).collections();
    await c.smtp.updateOne(
      { _id: 'acme' },
      {
        $set: {
          host: '127.0.0.1',
          port,
          secure: false,
          username: null,
          password: null,
          from: 'OKR <okr@acme.test>',
          updatedAt: new Date().toISOString(),
          updatedBy: 'alice',
        },
      },
      { upsert: true },
    );
    const { _id, ...prefs } = { ...defaultPreferences('acme', 'bob'), email: 'bob@acme.test' };
    await c.preferences.updateOne({ _id: preferencesId('acme', 'bob') }, { $set: prefs }, { upsert: true });
    const delivery = newDelivery({
      tenantId: 'acme',
      dedupeKey: 'test:smtp-private:bob',
      channel: 'email',
      rule: 'test',
      recipient: 'bob',
      subject: 'Hello',
      body: 'A message',
      triggeredBy: 'smtp-private',
      now: new Date(),
    });
    const failed = await dispatchUntilFailed(notifications, delivery, 'email delivery failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toBe(PRIVATE_DESTINATION);
    expect(connections).toBe(0);
  });
});
