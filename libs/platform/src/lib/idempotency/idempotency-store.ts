import { createHash } from 'node:crypto';
import { canonicalJson as chainCanonicalJson } from '@okr/event-store';

/** DI token of the {@link IdempotencyStore} used by `IdempotencyInterceptor`. */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** How long a claim holds its key before another request may settle it (default of the stores). */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 60_000;

/** Who asks to run a request under a key, and which request it is. */
export interface IdempotencyClaimRequest {
  /** sha256 of method, URL and canonical JSON body of the request. */
  fingerprint: string;
  tenantId: string;
  actor: string;
  /** The request's correlation id: the events its command appends carry it. */
  correlationId: string;
}

/** A key held by a running request. */
export interface IdempotencyClaim extends IdempotencyClaimRequest {
  claimedAt: string;
  /** Until when the claim holds (ISO-8601); after it, the next request with the key settles it. */
  leaseUntil: string;
}

/** The first successful response to an idempotent request, as replayed to its retries. */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  /** The response body as JSON (absent for an empty body, and when {@link bodyErased}). */
  body?: unknown;
  /**
   * The body held personal data of a person since erased (see `EventStoreIdempotencyStore`): it can
   * no longer be replayed. The request was applied; a retry is told so and never runs again.
   */
  bodyErased?: true;
  /** `location` and `etag` of the response, when it had them. */
  headers: Readonly<Record<string, string>>;
  /** When the response was stored (ISO-8601). */
  storedAt: string;
  tenantId: string;
  actor: string;
  correlationId: string;
}

/** Proof of a claim, handed back to {@link IdempotencyStore.complete} or {@link IdempotencyStore.fail}. */
export interface IdempotencyTicket {
  scopeKey: string;
  claim: IdempotencyClaim;
  /** Where the store keeps the claim (a stream revision, a generation): only the store reads it. */
  revision: number;
  /** Global log position of the claim, where the store has one (effects are searched after it). */
  position?: number;
}

/** What {@link IdempotencyStore.claim} found. */
export type ClaimOutcome =
  /** The key is yours: run the request, then `complete` or `fail` the ticket. */
  | { kind: 'claimed'; ticket: IdempotencyTicket }
  /** The key's request succeeded before: replay `record`. */
  | { kind: 'completed'; record: IdempotencyRecord }
  /** Another request holds the key and its lease runs. */
  | { kind: 'in-progress'; claim: IdempotencyClaim }
  /** The key's request changed state but its answer was lost (crash, or an error after writing). */
  | { kind: 'outcome-lost'; claim: IdempotencyClaim; eventsApplied: number };

/**
 * Where idempotent requests are claimed and their responses kept. The scope key (tenant, user,
 * method, route, `Idempotency-Key`) is opaque to stores.
 *
 * A request claims its key BEFORE it runs, atomically in the shared store, so that of any number of
 * concurrent requests with one key, in any number of processes, exactly one runs. The claim holds for
 * a lease; the request then completes it (its response is kept and replayed to every later request
 * with the key) or fails it. A failed request that wrote nothing releases the key (a retry runs
 * again); one that wrote events is recorded as `outcome-lost` (retries are told, never run twice).
 * A claim whose holder died is settled the same way by the first request after its lease.
 */
export interface IdempotencyStore {
  /** Claims `scopeKey` for a request at `now`, or says who holds it or how it ended. */
  claim(scopeKey: string, request: IdempotencyClaimRequest, now: Date): Promise<ClaimOutcome>;
  /** Keeps the response of a claimed request. False when the claim was settled by another request first. */
  complete(ticket: IdempotencyTicket, record: IdempotencyRecord): Promise<boolean>;
  /** The claimed request failed: release the key if it wrote nothing, else record its outcome as lost. */
  fail(ticket: IdempotencyTicket): Promise<void>;
}

type Entry =
  | { state: 'claimed'; claim: IdempotencyClaim; generation: number }
  | { state: 'completed'; record: IdempotencyRecord; generation: number }
  | { state: 'released'; generation: number };

/**
 * A process-local {@link IdempotencyStore}, for tests and single-process tools. It sees no event log,
 * so a failed or expired claim is always released; and it is lost on restart.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly leaseMs = DEFAULT_IDEMPOTENCY_LEASE_MS,
    /** How long a response is kept; after it the key is free again (default: forever). */
    private readonly retentionMs = Number.POSITIVE_INFINITY,
  ) {}

  async claim(scopeKey: string, request: IdempotencyClaimRequest, now: Date): Promise<ClaimOutcome> {
    const entry = this.entries.get(scopeKey);
    const expired = entry?.state === 'completed' && Date.parse(entry.record.storedAt) + this.retentionMs < now.getTime();
    if (entry?.state === 'completed' && !expired) return { kind: 'completed', record: entry.record };
    if (entry?.state === 'claimed' && Date.parse(entry.claim.leaseUntil) >= now.getTime()) return { kind: 'in-progress', claim: entry.claim };
    const generation = (entry?.generation ?? 0) + 1;
    const claim = newClaim(request, now, this.leaseMs);
    this.entries.set(scopeKey, { state: 'claimed', claim, generation });
    return { kind: 'claimed', ticket: { scopeKey, claim, revision: generation } };
  }

  async complete(ticket: IdempotencyTicket, record: IdempotencyRecord): Promise<boolean> {
    if (!this.holds(ticket)) return false;
    this.entries.set(ticket.scopeKey, { state: 'completed', record, generation: ticket.revision });
    return true;
  }

  async fail(ticket: IdempotencyTicket): Promise<void> {
    if (this.holds(ticket)) this.entries.set(ticket.scopeKey, { state: 'released', generation: ticket.revision });
  }

  private holds(ticket: IdempotencyTicket): boolean {
    const entry = this.entries.get(ticket.scopeKey);
    return entry?.state === 'claimed' && entry.generation === ticket.revision;
  }
}

/** A claim for `request` made at `now`, holding for `leaseMs`. */
export const newClaim = (request: IdempotencyClaimRequest, now: Date, leaseMs: number): IdempotencyClaim => ({
  fingerprint: request.fingerprint,
  tenantId: request.tenantId,
  actor: request.actor,
  correlationId: request.correlationId,
  claimedAt: now.toISOString(),
  leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
});

/** The event chain's canonical JSON (keys sorted at every depth); '' for no body. */
export const canonicalJson = (value: unknown): string => (value === undefined ? '' : chainCanonicalJson(value));

/** sha256 (hex) of a request's method, URL and canonical JSON body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return sha256(`${method.toUpperCase()}\n${url}\n${canonicalJson(body)}`);
}

/**
 * The scope of an `Idempotency-Key`: a key means something only for one tenant, one user, one method
 * and one route. Another user sending the same key runs their own request and never sees the first
 * user's answer.
 */
export function idempotencyScope(tenantId: string, userId: string, method: string, route: string, key: string): string {
  return JSON.stringify([tenantId, userId, method.toUpperCase(), route, key]);
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
