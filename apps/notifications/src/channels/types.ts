/** The result of one attempt. */
export type SendOutcome =
  | { kind: 'delivered'; statusCode?: number; detail?: string }
  /** 5xx, 408, 429, timeouts, connection errors: the caller may try again later. */
  | { kind: 'retry'; error: string; statusCode?: number }
  /** Other 4xx, permanent SMTP 5xx errors, an invalid address: never retried. */
  | { kind: 'reject'; error: string; statusCode?: number };

/** What is sent, the same for every channel. */
export interface OutgoingNotification {
  /** Stable across retries: receivers dedupe on it. */
  deliveryId: string;
  tenantId: string;
  /** 'at-risk' | 'check-in-reminder' | ... | 'digest' | 'test' */
  rule: string;
  /** A user id, or `webhook:{id}` for a tenant webhook. */
  recipient: string;
  subject: string;
  /** Plain text, may have several lines. */
  body: string;
  triggeredBy: string;
  /** ISO 8601. */
  createdAt: string;
  /** 1-based. */
  attempt: number;
  objectiveId?: string;
  keyResultId?: string;
  teamId?: string;
  /** A digest's entries. */
  items?: { rule: string; subject: string; body: string }[];
}
