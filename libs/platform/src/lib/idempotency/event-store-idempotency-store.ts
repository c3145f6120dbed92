import type { FactoryProvider } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore, type ExpectedRevision } from '@okr/event-store';
import { ERASED_PERSON, personalValuesOf, type EventEnvelope } from '@okr/okr-domain';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import {
  DEFAULT_IDEMPOTENCY_LEASE_MS,
  IDEMPOTENCY_STORE,
  newClaim,
  sha256,
  type ClaimOutcome,
  type IdempotencyClaim,
  type IdempotencyClaimRequest,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotencyTicket,
} from './idempotency-store';

/** Stream category of idempotency keys; relays publishing domain categories skip it. */
export const IDEMPOTENCY_CATEGORY = 'idempotency';
/** A request claimed its key and is running. */
export const IDEMPOTENCY_KEY_CLAIMED = 'IdempotencyKeyClaimed';
/** The claimed request succeeded; its response is kept. */
export const IDEMPOTENT_RESPONSE_RECORDED = 'IdempotentResponseRecorded';
/** The claimed request wrote nothing (it failed, or its holder died first): the key is free again. */
export const IDEMPOTENCY_CLAIM_RELEASED = 'IdempotencyClaimReleased';
/** The claimed request wrote events but its answer was lost: retries are told, never run. */
export const IDEMPOTENT_RESPONSE_LOST = 'IdempotentResponseLost';

/**
 * Clocks of replicas may disagree by this much; an expired claim's effects are searched until this long
 * after its lease ended.
 */
const CLOCK_SKEW_MS = 60_000;
/** Appends tried when other requests move the key's stream at the same moment. */
const MAX_ATTEMPTS = 3;

export interface EventStoreIdempotencyStoreOptions {
  /** How long a claim holds its key (default 60 s): longer than any request should take. */
  leaseMs?: number;
  /**
   * How long a key's record is kept (default: forever). After it the key is free again; where the store
   * can drop events (KurrentDB) each key's stream also gets `$maxAge`, so old records stop taking room.
   */
  retentionMs?: number;
}

/**
 * An {@link IdempotencyStore} on the event store port, so it holds across replicas in every mode
 * without other infrastructure: one stream per scope, `idempotency-<sha256(scope)>`, whose last event
 * is the key's state. A claim is appended at the revision just read, so of two requests (in any
 * processes) only one wins; a response, release or loss is appended at the claim's revision, so a
 * holder whose claim was settled after its lease cannot overwrite what happened since.
 *
 * Effects of a claim are the events appended after it whose `metadata.correlationId` is the claimed
 * request's: on a failure they are searched up to the head of the log; for an expired claim, until
 * the first live event dated a clock skew after the lease ended.
 *
 * A recorded body can echo personal data (a note, a reason, someone else's words the request copied),
 * so it is stored as one value, `bodyJson`, sealed under the key of the requester and of every person
 * whose data the request's events hold (`bodySubjects`): erasing any one of them makes the body
 * unreadable, and a retry after that is told the request was applied (`bodyErased`) instead of
 * getting the body. Status, `Location` and `ETag` stay replayable.
 */
export class EventStoreIdempotencyStore implements IdempotencyStore {
  private readonly leaseMs: number;
  private readonly retentionMs: number | undefined;

  constructor(
    private readonly store: EventStore,
    options: EventStoreIdempotencyStoreOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
    this.retentionMs = options.retentionMs;
  }

  /** The stream of a scope key. */
  static streamOf(scopeKey: string): string {
    return `${IDEMPOTENCY_CATEGORY}-${sha256(scopeKey)}`;
  }

  async claim(scopeKey: string, request: IdempotencyClaimRequest, now: Date): Promise<ClaimOutcome> {
    const streamId = EventStoreIdempotencyStore.streamOf(scopeKey);
    // The revision of a stream whose events all aged out (KurrentDB `$maxAge`): it still counts on.
    let expiredAt: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const last = this.unexpired(await this.lastEvent(streamId), now);
      const current = this.outcomeOf(last.event);
      if (current && current.kind !== 'in-progress') return current;
      if (current?.kind === 'in-progress' && Date.parse(current.claim.leaseUntil) >= now.getTime()) return current;
      const claim = newClaim(request, now, this.leaseMs);
      try {
        if (current?.kind === 'in-progress' && last.event) {
          // The holder's lease ended without an outcome: settle its claim, then take the key.
          const leaseEnded = Date.parse(current.claim.leaseUntil);
          const applied = await this.effectsOf(current.claim, last.event.position, leaseEnded + CLOCK_SKEW_MS);
          if (applied > 0) {
            await this.appendOne(streamId, last.event.revision, IDEMPOTENT_RESPONSE_LOST, current.claim, { correlationId: current.claim.correlationId, fingerprint: current.claim.fingerprint, eventsApplied: applied });
            return { kind: 'outcome-lost', claim: current.claim, eventsApplied: applied };
          }
          const released = this.event(IDEMPOTENCY_CLAIM_RELEASED, current.claim, { correlationId: current.claim.correlationId, reason: 'lease-expired' });
          const result = await this.store.append(streamId, [released, this.event(IDEMPOTENCY_KEY_CLAIMED, claim, claim)], last.event.revision);
          return { kind: 'claimed', ticket: { scopeKey, claim, revision: result.nextExpectedRevision, position: result.position } };
        }
        const expected = last.revision ?? expiredAt ?? 'no_stream';
        if (expected === 'no_stream') await this.retain(streamId);
        const result = await this.appendOne(streamId, expected, IDEMPOTENCY_KEY_CLAIMED, claim, claim);
        return { kind: 'claimed', ticket: { scopeKey, claim, revision: result.nextExpectedRevision, position: result.position } };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (last.revision === undefined && typeof error.actual === 'number') expiredAt = error.actual;
        if (attempt >= MAX_ATTEMPTS) return (this.outcomeOf(this.unexpired(await this.lastEvent(streamId), now).event) ?? { kind: 'in-progress', claim }) as ClaimOutcome;
      }
    }
  }

  async complete(ticket: IdempotencyTicket, record: IdempotencyRecord): Promise<boolean> {
    const { body, bodyErased: _erased, ...kept } = record;
    const data =
      body === undefined
        ? kept
        : { ...kept, bodyJson: JSON.stringify(body), bodySubjects: await this.subjectsOf(ticket.claim, ticket.position ?? -1) };
    try {
      await this.appendOne(EventStoreIdempotencyStore.streamOf(ticket.scopeKey), ticket.revision, IDEMPOTENT_RESPONSE_RECORDED, record, data);
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  async fail(ticket: IdempotencyTicket): Promise<void> {
    const { claim } = ticket;
    const applied = await this.effectsOf(claim, ticket.position ?? -1, Number.POSITIVE_INFINITY);
    const streamId = EventStoreIdempotencyStore.streamOf(ticket.scopeKey);
    try {
      if (applied > 0) {
        await this.appendOne(streamId, ticket.revision, IDEMPOTENT_RESPONSE_LOST, claim, { correlationId: claim.correlationId, fingerprint: claim.fingerprint, eventsApplied: applied });
      } else {
        await this.appendOne(streamId, ticket.revision, IDEMPOTENCY_CLAIM_RELEASED, claim, { correlationId: claim.correlationId, reason: 'request-failed' });
      }
    } catch (error) {
      // Settled by another request after the lease ended: what it recorded stands.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }

  /**
   * The key's last event unless it is older than the retention window (then the key is free, and a new
   * claim appends after it). Stores that cannot drop events keep old records; they are ignored here.
   */
  private unexpired(last: EventEnvelope | undefined, now: Date): { event?: EventEnvelope; revision?: number } {
    if (!last) return {};
    const expired = this.retentionMs !== undefined && Date.parse(last.metadata.occurredAt) + this.retentionMs < now.getTime();
    return expired ? { revision: last.revision } : { event: last, revision: last.revision };
  }

  /** A new key's stream gets `$maxAge` where the store can drop events, before its first event. */
  private async retain(streamId: string): Promise<void> {
    if (this.retentionMs === undefined || !this.store.setStreamRetention) return;
    await this.store.setStreamRetention(streamId, { maxAgeSeconds: Math.ceil(this.retentionMs / 1000) });
  }

  private outcomeOf(last: EventEnvelope | undefined): ClaimOutcome | undefined {
    switch (last?.type) {
      case IDEMPOTENT_RESPONSE_RECORDED:
        return { kind: 'completed', record: recordOf(last.data as unknown as StoredRecord) };
      case IDEMPOTENCY_KEY_CLAIMED:
        return { kind: 'in-progress', claim: last.data as unknown as IdempotencyClaim };
      case IDEMPOTENT_RESPONSE_LOST: {
        const { eventsApplied } = last.data as { eventsApplied: number };
        return { kind: 'outcome-lost', claim: claimOfLoss(last), eventsApplied };
      }
      default:
        return undefined;
    }
  }

  /** Events appended after `after` by the claimed request, until the first live event dated after `until`. */
  private async effectsOf(claim: IdempotencyClaim, after: number, until: number): Promise<number> {
    let applied = 0;
    for await (const _event of this.effects(claim, after, until)) applied += 1;
    return applied;
  }

  private async *effects(claim: IdempotencyClaim, after: number, until: number): AsyncIterable<EventEnvelope> {
    for await (const event of this.store.readAll({ after })) {
      if (event.streamId.startsWith(`${IDEMPOTENCY_CATEGORY}-`)) continue;
      if (event.metadata.correlationId === claim.correlationId) yield event;
      else if (event.metadata.importedAt === undefined && Date.parse(event.metadata.occurredAt) > until) break;
    }
  }

  /** The requester, then every person whose data the request's events hold (the people its answer can echo). */
  private async subjectsOf(claim: IdempotencyClaim, after: number): Promise<string[]> {
    const people = new Set([claim.actor]);
    for await (const event of this.effects(claim, after, Number.POSITIVE_INFINITY)) {
      for (const { subjects } of personalValuesOf(event)) for (const subject of subjects) if (subject !== ERASED_PERSON) people.add(subject);
    }
    return [...people];
  }

  private async lastEvent(streamId: string): Promise<EventEnvelope | undefined> {
    for await (const event of this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) return event;
    return undefined;
  }

  private appendOne(streamId: string, expected: ExpectedRevision, type: string, who: IdempotencyClaimRequest, data: object) {
    return this.store.append(streamId, [this.event(type, who, data)], expected);
  }

  private event(type: string, who: IdempotencyClaimRequest, data: object) {
    const occurredAt = new Date().toISOString();
    return {
      id: uuidv7(),
      type,
      schemaVersion: 1,
      data,
      metadata: { tenantId: who.tenantId, actor: who.actor, correlationId: who.correlationId, causationId: who.correlationId, occurredAt },
    };
  }
}

/** A recorded response as stored: since bodies are sealed, the body is one JSON text (older records hold `body`). */
type StoredRecord = IdempotencyRecord & { bodyJson?: string; bodySubjects?: string[] };

const recordOf = ({ bodyJson, bodySubjects: _people, ...record }: StoredRecord): IdempotencyRecord => {
  if (bodyJson === undefined) return record;
  // JSON text never reads as the bare erased marker: a string body would be quoted.
  if (bodyJson === ERASED_PERSON) return { ...record, bodyErased: true };
  return { ...record, body: JSON.parse(bodyJson) as unknown };
};

/** A loss keeps who ran the request in its metadata and the request's fingerprint in its data. */
const claimOfLoss = (event: EventEnvelope): IdempotencyClaim => ({
  fingerprint: (event.data as { fingerprint?: string }).fingerprint ?? '',
  tenantId: event.metadata.tenantId,
  actor: event.metadata.actor,
  correlationId: event.metadata.correlationId,
  claimedAt: event.metadata.occurredAt,
  leaseUntil: event.metadata.occurredAt,
});

/** Binds {@link IDEMPOTENCY_STORE} to an {@link EventStoreIdempotencyStore} over the app's `EVENT_STORE`, keeping records `OKR_IDEMPOTENCY_RETENTION_HOURS`. */
export const eventStoreIdempotencyProvider: FactoryProvider<IdempotencyStore> = {
  provide: IDEMPOTENCY_STORE,
  useFactory: (store: EventStore, config: PlatformConfig) =>
    new EventStoreIdempotencyStore(store, { retentionMs: config.OKR_IDEMPOTENCY_RETENTION_HOURS * 3_600_000 }),
  inject: [EVENT_STORE, PLATFORM_CONFIG],
};
