import { dedupeKeyOf, deliveryPlan, type Notification, type Preferences } from '@okr/okr-domain';
import { v5 as uuidv5 } from 'uuid';
import { chatChannelOf, type Channel, type DeliveryDoc, type PreferencesDoc, type WebhookDoc } from '../store/notifications.store';

/** The namespace of delivery ids (UUID v5 of the delivery key). */
const DELIVERY_NAMESPACE = '6f1d4a52-8c1e-4f5e-9a57-2b1f0f5d7c31';

/** `{tenant}|{rule}:{triggeredBy}:{recipient}|{channel}`: exactly one delivery per key (a person named by their key's id). */
export const deliveryKey = (tenantId: string, dedupeKey: string, channel: Channel): string => `${tenantId}|${dedupeKey}|${channel}`;

/** The delivery id of a key: the same on every replica, every redelivery, every restart. */
export const deliveryIdOf = (key: string): string => uuidv5(key, DELIVERY_NAMESPACE);

/** What a person gets when they never set preferences: in-app only, in UTC, nothing muted. */
export const defaultPreferences = (tenantId: string, userId: string): PreferencesDoc => ({
  _id: preferencesId(tenantId, userId),
  tenantId,
  userId,
  timeZone: 'UTC',
  mutedRules: [],
  quietHours: null,
  digest: false,
  digestAt: '09:00',
  email: null,
  chat: null,
  updatedAt: new Date(0).toISOString(),
});

export const preferencesId = (tenantId: string, userId: string): string => `${tenantId}|${userId}`;

export interface PlanInput {
  tenantId: string;
  /** The team of the objective the notifications are about, for the webhooks' team filter. */
  teamId: string | null;
  notifications: readonly Notification[];
  preferences: ReadonlyMap<string, PreferencesDoc>;
  webhooks: readonly WebhookDoc[];
  /** False when neither the tenant nor the service has an SMTP server: email deliveries are skipped, visibly. */
  emailAvailable: boolean;
  /** The id of each recipient's key: it names them in the delivery key (none without a key store). */
  recipientKeys?: ReadonlyMap<string, string>;
  now: Date;
}

const EPOCH = new Date(0).toISOString();

/**
 * Turns the notifications of one trigger into deliveries, one per (notification, channel), plus one
 * per matching tenant webhook per (rule, trigger). Pure: the same input gives the same documents
 * (ids included), which is what makes planning twice harmless. The documents are plain: the recorder
 * seals them before they are stored.
 *
 * A person's channels: `in-app` always (their inbox; delivered when planned, whatever the quiet hours,
 * since nobody is interrupted by it), `email` when they gave an address, `chat` when they gave a
 * Slack / Teams incoming webhook. Their preferences decide (`deliveryPlan`): muted -> every channel
 * `skipped`; digest -> email / chat `held` for the daily digest; quiet hours -> email / chat due at
 * the end of the quiet hours; otherwise due now.
 * A tenant webhook is a team channel: no quiet hours, no digest; filtered by team and rule.
 */
export function planDeliveries(input: PlanInput): DeliveryDoc[] {
  const { tenantId, teamId, now } = input;
  const nowIso = now.toISOString();
  const docs: DeliveryDoc[] = [];
  const base = (n: Notification, channel: Channel, recipient: string, dedupeKey: string, recipientKeyId: string | null = null) =>
    newDelivery({
      tenantId,
      dedupeKey,
      channel,
      rule: n.rule,
      recipient,
      recipientKeyId,
      subject: n.subject,
      body: n.body,
      triggeredBy: n.triggeredBy,
      objectiveId: n.objectiveId ?? null,
      keyResultId: n.keyResultId ?? null,
      teamId,
      now,
    });

  for (const n of input.notifications) {
    const prefs = input.preferences.get(n.recipient) ?? defaultPreferences(tenantId, n.recipient);
    const plan = deliveryPlan(n, toRulePreferences(prefs), now);
    const channels: Channel[] = ['in-app'];
    if (prefs.email) channels.push('email');
    if (chatChannelOf(prefs)) channels.push('chat');
    const keyId = input.recipientKeys?.get(n.recipient) ?? null;
    const dedupeKey = keyId === null ? n.dedupeKey : dedupeKeyOf(n.rule, n.triggeredBy, keyId);
    for (const channel of channels) {
      const doc = base(n, channel, n.recipient, dedupeKey, keyId);
      if (plan.action === 'skip') {
        docs.push({ ...doc, status: 'skipped', reason: 'muted by the recipient', nextAttemptAt: null });
      } else if (channel === 'in-app') {
        docs.push({ ...doc, status: 'delivered', deliveredAt: nowIso, nextAttemptAt: null });
      } else if (channel === 'email' && !input.emailAvailable) {
        docs.push({ ...doc, status: 'skipped', reason: 'no SMTP server is configured for the tenant', nextAttemptAt: null });
      } else if (plan.action === 'digest') {
        docs.push({ ...doc, status: 'held', reason: 'held for the daily digest', nextAttemptAt: null });
      } else if (plan.action === 'delay') {
        docs.push({ ...doc, status: 'pending', reason: 'quiet hours', nextAttemptAt: plan.until.toISOString() });
      } else {
        docs.push({ ...doc, status: 'pending', nextAttemptAt: nowIso });
      }
    }
  }

  // Tenant webhooks: one delivery per (rule, trigger) per webhook, whoever the people notified are.
  const seen = new Set<string>();
  for (const n of input.notifications) {
    const trigger = `${n.rule}:${n.triggeredBy}`;
    if (seen.has(trigger)) continue;
    seen.add(trigger);
    for (const hook of input.webhooks) {
      if (hook.rules.length > 0 && !hook.rules.includes(n.rule)) continue;
      if (hook.teams.length > 0 && (teamId === null || !hook.teams.includes(teamId))) continue;
      const recipient = `webhook:${hook._id}`;
      const channel: Channel = hook.format === 'json' ? 'webhook' : 'chat';
      const doc = base(n, channel, recipient, `${n.rule}:${n.triggeredBy}:${recipient}`);
      docs.push({ ...doc, webhookId: hook._id, status: 'pending', nextAttemptAt: nowIso });
    }
  }
  return docs;
}

export const toRulePreferences = (prefs: PreferencesDoc): Preferences => ({
  userId: prefs.userId,
  timeZone: prefs.timeZone,
  mutedRules: prefs.mutedRules,
  digest: prefs.digest,
  ...(prefs.quietHours ? { quietHours: prefs.quietHours } : {}),
});

/** A test message to one tenant webhook (`POST /webhooks/{id}/test`): a delivery like any other. */
export function webhookTestDelivery(hook: WebhookDoc, testId: string, actor: string, now: Date): DeliveryDoc {
  const recipient = `webhook:${hook._id}`;
  return {
    ...newDelivery({
      tenantId: hook.tenantId,
      dedupeKey: `test:${testId}:${recipient}`,
      channel: hook.format === 'json' ? 'webhook' : 'chat',
      rule: 'test',
      recipient,
      subject: 'Test notification from the OKR platform',
      body: `${actor} sent this test to check the webhook ${hook._id}. If you can read it, notifications will reach you here.`,
      triggeredBy: testId,
      now,
    }),
    webhookId: hook._id,
  };
}

export interface NewDelivery {
  tenantId: string;
  /** `{rule}:{trigger}:{recipient}`; the delivery key adds the tenant and the channel. */
  dedupeKey: string;
  channel: Channel;
  rule: string;
  recipient: string;
  /** The id of a person recipient's key (see `DeliveryDoc.recipientKeyId`). */
  recipientKeyId?: string | null;
  subject: string;
  body: string;
  triggeredBy: string;
  objectiveId?: string | null;
  keyResultId?: string | null;
  teamId?: string | null;
  items?: DeliveryDoc['items'];
  now: Date;
}

/** A delivery due now, never attempted, its id derived from its key; callers change what differs. */
export function newDelivery(input: NewDelivery): DeliveryDoc {
  const key = deliveryKey(input.tenantId, input.dedupeKey, input.channel);
  const nowIso = input.now.toISOString();
  return {
    _id: deliveryIdOf(key),
    key,
    tenantId: input.tenantId,
    rule: input.rule,
    recipient: input.recipient,
    recipientKeyId: input.recipientKeyId ?? null,
    channel: input.channel,
    webhookId: null,
    status: 'pending',
    reason: null,
    subject: input.subject,
    body: input.body,
    textKeyIds: [],
    triggeredBy: input.triggeredBy,
    objectiveId: input.objectiveId ?? null,
    keyResultId: input.keyResultId ?? null,
    teamId: input.teamId ?? null,
    createdAt: nowIso,
    nextAttemptAt: nowIso,
    attempts: 0,
    history: [],
    lastError: null,
    deliveredAt: null,
    failedAt: null,
    leaseUntil: EPOCH,
    leaseOwner: null,
    digestId: null,
    items: input.items ?? null,
  };
}
