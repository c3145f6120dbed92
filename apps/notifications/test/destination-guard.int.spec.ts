import dns from 'node:dns';
import { startHttpReceiver, type HttpReceiver } from '../src/channels/testing/http-receiver';
import { PRIVATE_DESTINATION } from '../src/channels';
import { newDelivery, preferencesId, defaultPreferences } from '../src/planning/plan-deliveries';
import { NotificationsStore, type WebhookDoc } from '../src/store/notifications.store';
import { createNotificationsTestApp, dispatchUntilFailed, eventually, type NotificationsTestApp } from './support/notifications-test-app';

jest.setTimeout(30_000);

/** Global unicast (2000::/3, public to the guard) in the old 6bone range, routed nowhere: a connection there fails. */
const PUBLIC_NOWHERE = '3ffe:ffff::1';

/**
 * A rebinding attacker's DNS (TTL 0) for one name, in place of the process's resolver, both the
 * promise API (the guard's) and the callback one (what an HTTP client uses when it connects): the
 * first answer is a public address, every later one 127.0.0.1. Other names resolve as usual.
 */
function rebindingDns(name: string) {
  const answers: { api: 'promises' | 'callback'; address: string }[] = [];
  const answer = (api: 'promises' | 'callback') => {
    const address = answers.length === 0 ? PUBLIC_NOWHERE : '127.0.0.1';
    answers.push({ api, address });
    return { address, family: address.includes(':') ? 6 : 4 };
  };
  const realLookup = dns.lookup;
  const realPromisesLookup = dns.promises.lookup;
  const callback = jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, ...rest: unknown[]) => {
    if (hostname !== name) return (realLookup as (...args: unknown[]) => unknown)(hostname, ...rest);
    const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { all?: boolean }) : {};
    const done = rest.at(-1) as (error: null, address: unknown, family?: number) => void;
    const { address, family } = answer('callback');
    process.nextTick(() => (options.all ? done(null, [{ address, family }]) : done(null, address, family)));
    return undefined;
  }) as unknown as typeof dns.lookup);
  const promises = jest.spyOn(dns.promises, 'lookup').mockImplementation((async (hostname: string, options: { all?: boolean }) => {
    if (hostname !== name) return realPromisesLookup(hostname, options as never);
    const resolved = answer('promises');
    return options?.all ? [resolved] : resolved;
  }) as unknown as typeof dns.promises.lookup);
  return {
    answers,
    restore() {
      callback.mockRestore();
      promises.mockRestore();
    },
  };
}

interface FieldError {
  field: string;
  message: string;
}

/**
 * With `OKR_WEBHOOK_ALLOW_PRIVATE=false` (production), webhook and chat URLs that lead to the
 * service's own network are refused when registered, and again before each attempt: DNS can change.
 */
describe('notifications: no private destinations when OKR_WEBHOOK_ALLOW_PRIVATE=false', () => {
  let notifications: NotificationsTestApp;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    notifications = await createNotificationsTestApp({ settings: { allowPrivateDestinations: false } });
  });

  afterAll(async () => {
    await notifications?.close(true);
    await receiver?.close();
  });

  const fieldsOf = (body: { errors?: FieldError[] }) => (body.errors ?? []).map((e) => e.field);

  /** A webhook written straight to the store, as if registered earlier (DNS may have changed since). */
  const storeWebhook = async (fields: Pick<WebhookDoc, '_id' | 'url' | 'format'>): Promise<WebhookDoc> => {
    const hook: WebhookDoc = {
      tenantId: 'acme',
      secret: 'whsec_test',
      teams: [],
      rules: [],
      description: null,
      createdBy: 'alice',
      createdAt: new Date().toISOString(),
      secretRotatedAt: null,
      ...fields,
    };
    const c = await notifications.app.get(NotificationsStore).collections();
    await c.webhooks.bulkWrite([{ insertOne: { document: hook } }]);
    return hook;
  };

  it.each([
    'http://127.0.0.1:9/x',
    'http://169.254.169.254/',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://10.0.0.5/hook',
    'http://[::1]:4000/okr',
    'http://localhost:4000/okr', // a name: resolved, to loopback
  ])('refuses to register a webhook at %s: 400 naming url, nothing stored', async (url) => {
    const r = await notifications.call('POST', '/api/v1/webhooks', { body: { url } });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('validation-failed');
    expect(fieldsOf(r.body)).toEqual(['url']);
    expect(r.body.errors[0].message).toMatch(/private/);
    expect((await notifications.call('GET', '/api/v1/webhooks')).body.items).toEqual([]);
  });

  it('refuses a webhook whose host name does not resolve: 400 naming url', async () => {
    const r = await notifications.call('POST', '/api/v1/webhooks', { body: { url: 'https://nowhere.invalid/okr', format: 'slack' } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(/could not be resolved/) }]);
  });

  it('refuses a private chat URL in the preferences: 400 naming chat.url, without quoting it', async () => {
    const r = await notifications.call('PUT', '/api/v1/preferences', {
      body: { chat: { url: 'http://192.168.1.20/services/T000/B000/very-secret', format: 'slack' } },
    });
    expect(r.status).toBe(400);
    expect(fieldsOf(r.body)).toEqual(['chat.url']);
    expect(JSON.stringify(r.body)).not.toContain('very-secret');
    expect((await notifications.call('GET', '/api/v1/preferences')).body.chat).toBeNull();
    // Preferences without a new chat URL are not held up by the guard.
    expect((await notifications.call('PUT', '/api/v1/preferences', { body: { timeZone: 'Europe/Paris' } })).status).toBe(200);
  });

  it('a webhook stored earlier that now leads to a private address: the test delivery fails at once, nothing is sent', async () => {
    // As if it had been registered while its name resolved to a public address and DNS changed since.
    const hook = await storeWebhook({
      _id: 'hook-turned-private',
      url: `${receiver.origin}/okr`,
      format: 'json',
    });

    const test = await notifications.call('POST', `/api/v1/webhooks/${hook._id}/test`);
    expect(test.status).toBe(202);
    const failed = await eventually(async () => {
      const r = await notifications.call('GET', `/api/v1/deliveries/${test.body.deliveryId}`);
      return r.body.status === 'failed' && r.body;
    }, 8000, 'test delivery failed');
    expect(failed.attempts).toBe(1); // rejected, never retried
    expect(failed.lastError).toBe(PRIVATE_DESTINATION);
    expect(failed.history).toEqual([expect.objectContaining({ attempt: 1, outcome: 'reject', error: PRIVATE_DESTINATION })]);
    expect(receiver.requests).toEqual([]);
  });

  it('a chat URL stored earlier that now leads to a private address: the chat delivery fails at once, nothing is sent', async () => {
    const c = await notifications.app.get(NotificationsStore).collections();
    const { _id, ...prefs } = {
      ...defaultPreferences('acme', 'bob'),
      chat: { url: `${receiver.origin}/services/T000/B000/very-secret`, format: 'slack' as const },
    };
    await c.preferences.updateOne({ _id: preferencesId('acme', 'bob') }, { $set: prefs }, { upsert: true });
    const delivery = newDelivery({
      tenantId: 'acme',
      dedupeKey: 'test:chat-turned-private:bob',
      channel: 'chat',
      rule: 'test',
      recipient: 'bob',
      subject: 'Hello',
      body: 'A chat message',
      triggeredBy: 'chat-turned-private',
      now: new Date(),
    });
    const failed = await dispatchUntilFailed(notifications, delivery, 'chat delivery failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toBe(PRIVATE_DESTINATION);
    expect(JSON.stringify(failed)).not.toContain('very-secret');
    expect(receiver.requests).toEqual([]);
  });

  describe('DNS rebinding: the POST connects to the address the guard checked', () => {
    const REBIND = 'hooks.rebind.test';
    let attacker: ReturnType<typeof rebindingDns>;
    beforeEach(() => {
      attacker = rebindingDns(REBIND);
    });
    afterEach(() => attacker.restore());

    /**
     * Attempt 1: the guard gets the public address, the POST goes there (and fails: nobody is there),
     * never to the 127.0.0.1 the name resolves to by the time it connects. Attempt 2: the guard itself
     * gets 127.0.0.1 and refuses. Without pinning, attempt 1 would have reached the receiver on 127.0.0.1.
     */
    const expectNothingReachedLoopback = async (deliveryId: string) => {
      const failed = await eventually(async () => {
        const r = await notifications.call('GET', `/api/v1/deliveries/${deliveryId}`);
        return r.body.status !== 'pending' && r.body;
      }, 15_000, 'rebinding delivery done');
      expect(receiver.requests).toEqual([]);
      expect(failed.status).toBe('failed');
      expect(failed.attempts).toBe(2);
      expect(failed.history).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'retry' }),
        expect.objectContaining({ attempt: 2, outcome: 'reject', error: PRIVATE_DESTINATION }),
      ]);
      // Only the guard asked; the POST never resolved the name again.
      expect(attacker.answers).toEqual([
        { api: 'promises', address: PUBLIC_NOWHERE },
        { api: 'promises', address: '127.0.0.1' },
      ]);
      expect(JSON.stringify(failed)).not.toContain('very-secret');
    };

    it.each(['json', 'slack'] as const)('a %s webhook', async (format) => {
      const hook = await storeWebhook({
        _id: `hook-rebinding-${format}`,
        url: `http://${REBIND}:${new URL(receiver.origin).port}/okr/very-secret`,
        format,
      });
      const test = await notifications.call('POST', `/api/v1/webhooks/${hook._id}/test`);
      expect(test.status).toBe(202);
      await expectNothingReachedLoopback(test.body.deliveryId);
    });

    it("a user's chat channel", async () => {
      const c = await notifications.app.get(NotificationsStore).collections();
      const { _id, ...prefs } = {
        ...defaultPreferences('acme', 'carol'),
        chat: { url: `http://${REBIND}:${new URL(receiver.origin).port}/services/T000/B000/very-secret`, format: 'slack' as const },
      };
      await c.preferences.updateOne({ _id: preferencesId('acme', 'carol') }, { $set: prefs }, { upsert: true });
      const delivery = newDelivery({
        tenantId: 'acme',
        dedupeKey: 'test:chat-rebinding:carol',
        channel: 'chat',
        rule: 'test',
        recipient: 'carol',
        subject: 'Hello',
        body: 'A chat message',
        triggeredBy: 'chat-rebinding',
        now: new Date(),
      });
      await c.deliveries.bulkWrite([{ insertOne: { document: delivery } }]);
      await notifications.dispatcher().drain();
      await expectNothingReachedLoopback(delivery._id);
    });
  });
});
