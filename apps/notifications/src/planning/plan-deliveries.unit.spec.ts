import { atRisk, type Notification } from '@okr/okr-domain';
import type { PreferencesDoc, WebhookDoc } from '../store/notifications.store';
import { defaultPreferences, deliveryIdOf, planDeliveries, type PlanInput } from './plan-deliveries';

const NOW = new Date('2026-11-26T10:00:00Z');

const notifications: Notification[] = atRisk({
  keyResultId: 'kr-1',
  objectiveId: 'obj-1',
  reasons: ['Confidence is 3/10, below the threshold of 5/10.'],
  krOwner: 'bob',
  objectiveOwner: 'alice',
  triggeredBy: 'evt-1',
});

const prefs = (userId: string, patch: Partial<PreferencesDoc>): PreferencesDoc => ({ ...defaultPreferences('acme', userId), ...patch });

const hook = (id: string, patch: Partial<WebhookDoc> = {}): WebhookDoc => ({
  _id: id,
  tenantId: 'acme',
  url: 'https://hooks.example.com/okr',
  secret: 'whsec_x',
  format: 'json',
  teams: [],
  rules: [],
  description: null,
  createdBy: 'admin',
  createdAt: NOW.toISOString(),
  secretRotatedAt: null,
  ...patch,
});

const input = (patch: Partial<PlanInput> = {}): PlanInput => ({
  tenantId: 'acme',
  teamId: 'growth',
  notifications,
  preferences: new Map(),
  webhooks: [],
  emailAvailable: true,
  now: NOW,
  ...patch,
});

const summary = (docs: ReturnType<typeof planDeliveries>) =>
  docs.map((d) => `${d.recipient}/${d.channel}:${d.status}${d.reason ? ` (${d.reason})` : ''}`).sort();

describe('planDeliveries', () => {
  it('without preferences, each recipient gets one in-app notification, delivered at once', () => {
    expect(summary(planDeliveries(input()))).toEqual(['alice/in-app:delivered', 'bob/in-app:delivered']);
  });

  it('email and chat come from the preferences and are due now', () => {
    const docs = planDeliveries(
      input({ preferences: new Map([['bob', prefs('bob', { email: 'bob@example.com', chat: { url: 'https://hooks.slack.com/x', format: 'slack' } })]]) }),
    );
    expect(summary(docs)).toEqual(['alice/in-app:delivered', 'bob/chat:pending', 'bob/email:pending', 'bob/in-app:delivered']);
    expect(docs.find((d) => d.channel === 'email')?.nextAttemptAt).toBe(NOW.toISOString());
  });

  it('a muted rule skips every channel, visibly', () => {
    const docs = planDeliveries(input({ preferences: new Map([['bob', prefs('bob', { mutedRules: ['at-risk'], email: 'bob@example.com' })]]) }));
    expect(summary(docs)).toEqual([
      'alice/in-app:delivered',
      'bob/email:skipped (muted by the recipient)',
      'bob/in-app:skipped (muted by the recipient)',
    ]);
  });

  it('digest holds email and chat; the inbox still gets it', () => {
    const docs = planDeliveries(input({ preferences: new Map([['bob', prefs('bob', { digest: true, email: 'bob@example.com' })]]) }));
    expect(summary(docs)).toContain('bob/email:held (held for the daily digest)');
    expect(summary(docs)).toContain('bob/in-app:delivered');
  });

  it("quiet hours in the recipient's zone delay email to their end", () => {
    // 10:00Z is 19:00 in Tokyo; quiet from 18:00 to 08:00 local -> due at 23:00Z.
    const docs = planDeliveries(
      input({
        preferences: new Map([['bob', prefs('bob', { timeZone: 'Asia/Tokyo', quietHours: { start: '18:00', end: '08:00' }, email: 'bob@example.com' })]]),
      }),
    );
    const email = docs.find((d) => d.recipient === 'bob' && d.channel === 'email');
    expect(email).toMatchObject({ status: 'pending', reason: 'quiet hours', nextAttemptAt: '2026-11-26T23:00:00.000Z' });
  });

  it('without an SMTP server, email is skipped with the reason', () => {
    const docs = planDeliveries(input({ emailAvailable: false, preferences: new Map([['bob', prefs('bob', { email: 'bob@example.com' })]]) }));
    expect(summary(docs)).toContain('bob/email:skipped (no SMTP server is configured for the tenant)');
  });

  it('a tenant webhook gets ONE delivery per trigger, whatever the number of people notified, filtered by team and rule', () => {
    const docs = planDeliveries(
      input({
        webhooks: [
          hook('all'),
          hook('growth-only', { teams: ['growth'] }),
          hook('platform-only', { teams: ['platform'] }),
          hook('grades-only', { rules: ['objective-graded'] }),
          hook('slack', { format: 'slack' }),
        ],
      }),
    );
    const hooks = docs.filter((d) => d.webhookId !== null).map((d) => `${d.webhookId}/${d.channel}`);
    expect(hooks.sort()).toEqual(['all/webhook', 'growth-only/webhook', 'slack/chat']);
  });

  it('is deterministic: the same notification planned twice has the same delivery ids (the exactly-once key)', () => {
    const first = planDeliveries(input({ webhooks: [hook('all')] })).map((d) => d._id);
    const again = planDeliveries(input({ webhooks: [hook('all')], now: new Date('2026-11-27T00:00:00Z') })).map((d) => d._id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(deliveryIdOf('acme|at-risk:evt-1:bob|in-app')).toBe(first[planDeliveries(input()).findIndex((d) => d.recipient === 'bob')]);
  });

  it("names a person in the delivery key by their key's id, never by their user id", () => {
    const keyId = '0190a7e2-0000-7000-8000-0000000000b0';
    const docs = planDeliveries(input({ recipientKeys: new Map([['bob', keyId]]) }));
    const bob = docs.find((d) => d.recipient === 'bob');
    expect(bob).toMatchObject({ key: `acme|at-risk:evt-1:${keyId}|in-app`, recipientKeyId: keyId, _id: deliveryIdOf(`acme|at-risk:evt-1:${keyId}|in-app`) });
    // Without a key (no key store) the user id names them, as before.
    expect(docs.find((d) => d.recipient === 'alice')).toMatchObject({ key: 'acme|at-risk:evt-1:alice|in-app', recipientKeyId: null });
  });

  it('another tenant with the same trigger gets other ids', () => {
    const acme = planDeliveries(input()).map((d) => d._id);
    const globex = planDeliveries(input({ tenantId: 'globex' })).map((d) => d._id);
    expect(globex.some((id) => acme.includes(id))).toBe(false);
  });
});
