import { createHash } from 'node:crypto';

/** DI token of the {@link IdempotencyStore} used by `IdempotencyInterceptor`. */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

/** The first successful response to an idempotent request, as replayed to its retries. */
export interface IdempotencyRecord {
  /** sha256 of method, URL and canonical JSON body of the request that produced the response. */
  fingerprint: string;
  status: number;
  /** The response body as JSON (absent for an empty body). */
  body?: unknown;
  /** `location` and `etag` of the response, when it had them. */
  headers: Readonly<Record<string, string>>;
  /** When the response was stored (ISO-8601). */
  storedAt: string;
  /** Who sent the first request, kept for audit (and as event metadata by the event store store). */
  tenantId: string;
  actor: string;
  correlationId: string;
}

/**
 * Where idempotent responses are kept. The scope key (tenant, method, route, `Idempotency-Key`) is
 * opaque to stores. The first `put` of a scope wins: a later `put` stores nothing and returns the record
 * already stored, so every caller agrees on the one first response.
 */
export interface IdempotencyStore {
  get(scopeKey: string): Promise<IdempotencyRecord | undefined>;
  /** @returns the record that is stored for the scope: `record`, or the one stored before it. */
  put(scopeKey: string, record: IdempotencyRecord): Promise<IdempotencyRecord>;
}

/** A process-local {@link IdempotencyStore}, for tests and single-process tools. Lost on restart. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  async get(scopeKey: string): Promise<IdempotencyRecord | undefined> {
    return this.records.get(scopeKey);
  }

  async put(scopeKey: string, record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const existing = this.records.get(scopeKey);
    if (existing) return existing;
    this.records.set(scopeKey, record);
    return record;
  }
}

/** JSON with object keys sorted at every depth, so equal payloads serialize equally. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** sha256 (hex) of a request's method, URL and canonical JSON body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return sha256(`${method.toUpperCase()}\n${url}\n${canonicalJson(body)}`);
}

/** The scope of an `Idempotency-Key`: a key means something only for one tenant, method and route. */
export function idempotencyScope(tenantId: string, method: string, route: string, key: string): string {
  return JSON.stringify([tenantId, method.toUpperCase(), route, key]);
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
