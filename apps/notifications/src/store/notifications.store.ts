import { Inject, Injectable } from '@nestjs/common';
import type { ObjectiveStatus } from '@okr/okr-domain';
import { READ_STORE, type CollectionDefinition, type ReadCollection, type ReadDocument, type ReadStore } from '@okr/read-store';

/**
 * Everything the notifications service keeps, in the read store (`OKR_READ_STORE`: MongoDB in
 * production, so replicas share it; the embedded store in one process otherwise):
 * - its view of goals and check-ins (`notifications-view-v2`, owners and leads sealed: objectives, key results, cycles and teams,
 *   told apart by `kind`), a read model on the platform's runner (`notification-view.read-model.ts`),
 *   whose `_applied` revisions are the exactly-once record of the deliveries it plans too;
 * - what people asked for: `follows`, `preferences`; what tenant admins configured: `webhooks`, `smtp`;
 * - the delivery log (`deliveries-v2`): one document per (rule, trigger, recipient, channel) whose `_id`
 *   is derived from that key, so planning the same notification twice cannot create a second one; a
 *   person recipient and the texts kept sealed (see `DeliverySeal`).
 *
 * Settings are state, not events: webhook secrets and SMTP passwords must never enter the event log,
 * which is kept forever and published downstream.
 */
export interface ObjectiveDoc extends ReadDocument {
  kind: 'objective';
  tenantId: string;
  cycleId: string | null;
  teamId: string | null;
  ownerId: string | null;
  title: string | null;
  status: ObjectiveStatus | 'unknown';
  activatedAt: string | null;
  parents: string[];
}

export interface KeyResultDoc extends ReadDocument {
  kind: 'keyResult';
  tenantId: string;
  objectiveId: string;
  title: string | null;
  ownerId: string | null;
  dropped: boolean;
  lastConfidence: number | null;
  lastCheckInAt: string | null;
}

/** `_id` = `{tenantId}:{teamId}`: who leads a team of the registry, so that a question to the team reaches them. */
export interface TeamDoc extends ReadDocument {
  kind: 'team';
  tenantId: string;
  teamId: string;
  leads: string[];
}

export interface CycleDoc extends ReadDocument {
  kind: 'cycle';
  tenantId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
}

/** A document of the view: `_id` is the objective's, key result's or cycle's id, or `{tenantId}:{teamId}`. */
export type ViewDoc = ObjectiveDoc | KeyResultDoc | TeamDoc | CycleDoc;

export const FOLLOW_KINDS = ['objective', 'team'] as const;
export type FollowKind = (typeof FOLLOW_KINDS)[number];

export interface FollowDoc extends ReadDocument {
  tenantId: string;
  userId: string;
  kind: FollowKind;
  targetId: string;
  since: string;
}

export const CHAT_FORMATS = ['slack', 'teams'] as const;
export type ChatFormat = (typeof CHAT_FORMATS)[number];

export interface PreferencesDoc extends ReadDocument {
  tenantId: string;
  userId: string;
  timeZone: string;
  mutedRules: string[];
  quietHours: { start: string; end: string } | null;
  digest: boolean;
  /** `HH:MM` local time at which the daily digest goes out. */
  digestAt: string;
  email: string | null;
  /** A Slack / Teams incoming-webhook URL: a secret, never returned whole. */
  chat: { url: string; format: ChatFormat } | null;
  updatedAt: string;
}

/**
 * The stored chat channel when it is whole. Documents saved broken by an older version (`chat: {}`
 * from a `chat: []` request) are read as no chat channel, instead of failing every read and delivery.
 */
export function chatChannelOf(prefs: Pick<PreferencesDoc, 'chat'> | null | undefined): PreferencesDoc['chat'] {
  const chat: unknown = prefs?.chat;
  if (typeof chat !== 'object' || chat === null || Array.isArray(chat)) return null;
  const { url, format } = chat as { url?: unknown; format?: unknown };
  return typeof url === 'string' && url !== '' && (CHAT_FORMATS as readonly unknown[]).includes(format)
    ? { url, format: format as ChatFormat }
    : null;
}

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookDoc extends ReadDocument {
  tenantId: string;
  url: string;
  /** HMAC key of `X-Okr-Signature` (json format); never returned after creation or rotation. */
  secret: string;
  format: WebhookFormat;
  /** Only notifications about these teams' objectives; empty = every team. */
  teams: string[];
  /** Only these rules; empty = every rule. */
  rules: string[];
  description: string | null;
  createdBy: string;
  createdAt: string;
  secretRotatedAt: string | null;
}

export interface SmtpDoc extends ReadDocument {
  /** `_id` = tenant id. */
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  password: string | null;
  from: string;
  updatedAt: string;
  updatedBy: string;
}

export const CHANNELS = ['in-app', 'email', 'chat', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped', 'held', 'digested'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  outcome: 'delivered' | 'retry' | 'reject';
  statusCode?: number;
  error?: string;
}

export interface DeliveryDoc extends ReadDocument {
  /** A UUID derived from `key`: the delivery id receivers see (`X-Okr-Delivery`), stable across retries. */
  _id: string;
  /**
   * `{tenant}|{rule}:{triggeredBy}:{recipient}|{channel}`: exactly one delivery per key. A person is
   * named in it by the id of their key, never by their user id.
   */
  key: string;
  tenantId: string;
  rule: string;
  /** A person's user id, sealed under their key; or `webhook:{id}` in clear for a tenant webhook. */
  recipient: string;
  /** The id of a person recipient's key: how their deliveries are found; null for a webhook (or no key store). */
  recipientKeyId: string | null;
  channel: Channel;
  webhookId: string | null;
  status: DeliveryStatus;
  /** Why the status is what it is when it is not plain (muted, held for the digest, quiet hours, no SMTP…). */
  reason: string | null;
  /** Sealed under every key of `textKeyIds`: they may quote the words and names of several people. */
  subject: string;
  body: string;
  /** The keys the texts are sealed under: the recipient's and every person's whose data the trigger held. */
  textKeyIds: string[];
  triggeredBy: string;
  objectiveId: string | null;
  keyResultId: string | null;
  teamId: string | null;
  createdAt: string;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  attempts: number;
  history: DeliveryAttempt[];
  lastError: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  /** A sending replica's claim: until then nobody else sends it. */
  leaseUntil: string;
  /** The W3C trace context of the event that caused it: each attempt is a span in that trace. */
  traceparent?: string;
  leaseOwner: string | null;
  /** The digest this delivery went out in (`digested`), or the entries of a digest. */
  digestId: string | null;
  items: { rule: string; subject: string; body: string }[] | null;
}

export const COLLECTIONS = {
  // A read model's version is in its name: a change to what it writes takes a new one, built beside.
  view: {
    // v2: owners and leads kept sealed as the events carry them (v1 held them in clear).
    name: 'notifications-view-v2',
    indexes: [{ fields: { kind: 1, tenantId: 1, cycleId: 1, status: 1 } }, { fields: { kind: 1, objectiveId: 1 } }],
  },
  follows: {
    name: 'follows',
    indexes: [{ fields: { tenantId: 1, kind: 1, targetId: 1 } }, { fields: { tenantId: 1, userId: 1 } }],
  },
  preferences: { name: 'preferences', indexes: [{ fields: { digest: 1 } }] },
  webhooks: { name: 'webhooks', indexes: [{ fields: { tenantId: 1 } }] },
  smtp: { name: 'smtp', indexes: [] },
  deliveries: {
    // v2: person recipients and texts sealed, found by `recipientKeyId` (v1, `deliveries`, held them in
    // clear). The log is this service's own state, not rebuilt from events: v1 is no longer read and is
    // dropped by the operator.
    name: 'deliveries-v2',
    indexes: [
      { fields: { key: 1 }, unique: true },
      { fields: { status: 1, nextAttemptAt: 1 } },
      { fields: { tenantId: 1, createdAt: -1 } },
      { fields: { tenantId: 1, recipientKeyId: 1, status: 1 } },
      { fields: { tenantId: 1, recipient: 1, status: 1 } },
    ],
  },
  meta: { name: 'meta', indexes: [] },
} as const satisfies Record<string, CollectionDefinition>;

export interface MetaDoc extends ReadDocument {
  value: string;
}

/** The collections, opened once (with their indexes). */
@Injectable()
export class NotificationsStore {
  private opened?: Promise<Collections>;

  constructor(@Inject(READ_STORE) readonly store: ReadStore) {}

  collections(): Promise<Collections> {
    this.opened ??= this.open();
    return this.opened;
  }

  private async open(): Promise<Collections> {
    const s = this.store;
    const [view, follows, preferences, webhooks, smtp, deliveries, meta] = await Promise.all([
      s.collection<ViewDoc>(COLLECTIONS.view),
      s.collection<FollowDoc>(COLLECTIONS.follows),
      s.collection<PreferencesDoc>(COLLECTIONS.preferences),
      s.collection<WebhookDoc>(COLLECTIONS.webhooks),
      s.collection<SmtpDoc>(COLLECTIONS.smtp),
      s.collection<DeliveryDoc>(COLLECTIONS.deliveries),
      s.collection<MetaDoc>(COLLECTIONS.meta),
    ]);
    return { view, follows, preferences, webhooks, smtp, deliveries, meta };
  }
}

export interface Collections {
  view: ReadCollection<ViewDoc>;
  follows: ReadCollection<FollowDoc>;
  preferences: ReadCollection<PreferencesDoc>;
  webhooks: ReadCollection<WebhookDoc>;
  smtp: ReadCollection<SmtpDoc>;
  deliveries: ReadCollection<DeliveryDoc>;
  meta: ReadCollection<MetaDoc>;
}
