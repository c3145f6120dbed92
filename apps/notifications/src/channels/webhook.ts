import { createHmac, timingSafeEqual } from 'node:crypto';
import { postJson, type PinnedAddress } from './http';
import type { OutgoingNotification, SendOutcome } from './types';

/**
 * Tenant webhooks. Every request is signed: `X-Okr-Signature: sha256=<hex>`, the HMAC-SHA256 with
 * the webhook's secret of `<X-Okr-Timestamp>.<raw body>`. A receiver recomputes it over the raw
 * bytes it got (before any JSON parsing), compares in constant time, refuses timestamps more than
 * five minutes away from its clock, and dedupes on `X-Okr-Delivery` (the same on every retry). See
 * {@link verifyWebhookSignature}.
 */

export const WEBHOOK_EVENT_TYPE = 'okr.notification';
/** Default for {@link verifyWebhookSignature}: how far a timestamp may be from the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const WEBHOOK_HEADERS = {
  delivery: 'X-Okr-Delivery',
  event: 'X-Okr-Event',
  attempt: 'X-Okr-Attempt',
  timestamp: 'X-Okr-Timestamp',
  signature: 'X-Okr-Signature',
} as const;

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return signatureOf(secret, timestamp, body);
}

const signatureOf = (secret: string, timestamp: string, body: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;

export interface VerifyWebhookSignature {
  secret: string;
  /** The `X-Okr-Timestamp` header: unix seconds. */
  timestamp: string;
  /** The raw request body, exactly as received. */
  body: string | Buffer;
  /** The `X-Okr-Signature` header. */
  signature: string;
  /** The receiver's clock; defaults to the current time. */
  now?: Date;
  toleranceSeconds?: number;
}

/**
 * The receiver's check: the signature matches (constant-time comparison) and the timestamp is
 * within `toleranceSeconds` (default 300) of `now`, in either direction, which bounds replays.
 */
export function verifyWebhookSignature({
  secret,
  timestamp,
  body,
  signature,
  now = new Date(),
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
}: VerifyWebhookSignature): boolean {
  if (!/^\d{1,15}$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body));
  const given = Buffer.from(signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The JSON body of a webhook request, fields in a fixed order, optional ones only when set. */
export function webhookBody(n: OutgoingNotification): string {
  return JSON.stringify({
    id: n.deliveryId,
    type: WEBHOOK_EVENT_TYPE,
    rule: n.rule,
    tenantId: n.tenantId,
    recipient: n.recipient,
    subject: n.subject,
    body: n.body,
    triggeredBy: n.triggeredBy,
    createdAt: n.createdAt,
    ...(n.objectiveId !== undefined ? { objectiveId: n.objectiveId } : {}),
    ...(n.keyResultId !== undefined ? { keyResultId: n.keyResultId } : {}),
    ...(n.teamId !== undefined ? { teamId: n.teamId } : {}),
    ...(n.items !== undefined ? { items: n.items.map(({ rule, subject, body }) => ({ rule, subject, body })) } : {}),
  });
}

export interface SendWebhook {
  url: string;
  secret: string;
  notification: OutgoingNotification;
  timeoutMs: number;
  /** The clock for `X-Okr-Timestamp`; defaults to the current time. */
  now?: Date;
  /** Connect to these addresses (the ones the destination guard approved) instead of resolving the host again. */
  pinned?: readonly PinnedAddress[];
}

/**
 * One signed POST of {@link webhookBody} to `url`; no retries, no redirects. 2xx delivered; 408,
 * 429, 5xx, timeouts and connection errors retry; other statuses reject. The secret never appears
 * in the outcome.
 */
export function sendWebhook({ url, secret, notification, timeoutMs, now = new Date(), pinned }: SendWebhook): Promise<SendOutcome> {
  const body = webhookBody(notification);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return postJson({
    url,
    body,
    timeoutMs,
    pinned,
    secrets: [secret],
    headers: {
      [WEBHOOK_HEADERS.delivery]: notification.deliveryId,
      [WEBHOOK_HEADERS.event]: notification.rule,
      [WEBHOOK_HEADERS.attempt]: String(notification.attempt),
      [WEBHOOK_HEADERS.timestamp]: timestamp,
      [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
    },
  });
}
