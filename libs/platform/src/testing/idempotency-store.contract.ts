import { randomUUID } from 'node:crypto';
import type { IdempotencyClaimRequest, IdempotencyRecord, IdempotencyStore, IdempotencyTicket } from '../lib/idempotency/idempotency-store';

/** What a contract run needs from one {@link IdempotencyStore} adapter. */
export interface IdempotencyStoreContractSubject {
  /**
   * A store over the subject's storage. Each call is another replica sharing that storage, or a
   * restart (a process-local store returns one instance over its one map).
   */
  open(options: { leaseMs: number; retentionMs?: number }): IdempotencyStore;
  /**
   * Writes an event as the claimed request's command would (carrying its correlation id). Absent for
   * stores that see no event log: their failed or expired claims are always released.
   */
  recordEffect?(correlationId: string): Promise<void>;
  cleanup(): Promise<void>;
}

const LEASE_MS = 5_000;
const RETENTION_MS = 60 * LEASE_MS;

const request = (fingerprint = 'f1'): IdempotencyClaimRequest => ({
  fingerprint,
  tenantId: 'acme',
  actor: 'alice',
  correlationId: randomUUID(),
});

const record = (claim: IdempotencyClaimRequest, body: unknown = { id: 1 }): IdempotencyRecord => ({
  fingerprint: claim.fingerprint,
  status: 201,
  body,
  headers: { location: '/api/things/1', etag: '"0"' },
  storedAt: new Date().toISOString(),
  tenantId: claim.tenantId,
  actor: claim.actor,
  correlationId: claim.correlationId,
});

const later = (now: Date, ms: number): Date => new Date(now.getTime() + ms);

/**
 * The one behaviour suite of the {@link IdempotencyStore} port: claim before running, exactly one
 * winner across replicas, replay of the kept response, release or loss on failure, and settlement of
 * a claim whose lease ended. Every adapter runs it; each test uses its own scope keys.
 */
export function idempotencyStoreContract(name: string, factory: () => Promise<IdempotencyStoreContractSubject>): void {
  describe(`${name} (IdempotencyStore contract)`, () => {
    let subject: IdempotencyStoreContractSubject;
    let store: IdempotencyStore;
    const scope = (): string => `scope-${randomUUID()}`;

    beforeEach(async () => {
      subject = await factory();
      store = subject.open({ leaseMs: LEASE_MS });
    });
    afterEach(() => subject.cleanup());

    const claimed = async (scopeKey: string, claim: IdempotencyClaimRequest, now = new Date()): Promise<IdempotencyTicket> => {
      const outcome = await store.claim(scopeKey, claim, now);
      if (outcome.kind !== 'claimed') throw new Error(`expected to claim ${scopeKey}, got ${outcome.kind}`);
      return outcome.ticket;
    };

    it('claims a free key once; while the lease runs, others see the claim in progress', async () => {
      const key = scope();
      const first = request('f1');
      const now = new Date();
      const ticket = await claimed(key, first, now);
      expect(ticket.claim).toMatchObject({ ...first, claimedAt: now.toISOString(), leaseUntil: later(now, LEASE_MS).toISOString() });

      const second = await store.claim(key, request('f2'), later(now, LEASE_MS - 1));
      expect(second).toEqual({ kind: 'in-progress', claim: ticket.claim });
      expect((await store.claim(scope(), request('f1'), now)).kind).toBe('claimed');
    });

    it('lets exactly one of many concurrent claims win, across replicas on the same storage', async () => {
      const key = scope();
      const replicas = [store, subject.open({ leaseMs: LEASE_MS }), subject.open({ leaseMs: LEASE_MS })];
      const outcomes = await Promise.all(Array.from({ length: 9 }, (_, index) => replicas[index % 3].claim(key, request(), new Date())));
      expect(outcomes.filter((outcome) => outcome.kind === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind === 'in-progress')).toHaveLength(8);
    });

    it('keeps the completed response for every later claim, on another replica and after a restart', async () => {
      const key = scope();
      const first = request();
      const ticket = await claimed(key, first);
      const kept = record(first, { kept: true });
      expect(await store.complete(ticket, kept)).toBe(true);

      for (const reader of [store, subject.open({ leaseMs: LEASE_MS })]) {
        expect(await reader.claim(key, request(), later(new Date(), 10 * LEASE_MS))).toEqual({ kind: 'completed', record: kept });
      }
    });

    it('frees a key whose record is older than the retention window: the request runs again', async () => {
      const retaining = subject.open({ leaseMs: LEASE_MS, retentionMs: RETENTION_MS });
      const key = scope();
      const first = request('f1');
      const outcome = await retaining.claim(key, first, new Date());
      if (outcome.kind !== 'claimed') throw new Error(`expected to claim ${key}, got ${outcome.kind}`);
      const kept = record(first, { run: 1 });
      expect(await retaining.complete(outcome.ticket, kept)).toBe(true);

      expect(await retaining.claim(key, request('f2'), later(new Date(), RETENTION_MS - LEASE_MS))).toEqual({ kind: 'completed', record: kept });
      const again = await retaining.claim(key, request('f2'), later(new Date(), RETENTION_MS + LEASE_MS));
      expect(again).toMatchObject({ kind: 'claimed', ticket: { claim: { fingerprint: 'f2' } } });
      if (again.kind !== 'claimed') return;
      const second = record(again.ticket.claim, { run: 2 });
      expect(await retaining.complete(again.ticket, second)).toBe(true);
      expect(await retaining.claim(key, request('f2'), new Date())).toEqual({ kind: 'completed', record: second });
    });

    it('releases the key of a failed request that wrote nothing: the next claim runs', async () => {
      const key = scope();
      await store.fail(await claimed(key, request('f1')));
      const again = await store.claim(key, request('f2'), new Date());
      expect(again).toMatchObject({ kind: 'claimed', ticket: { claim: { fingerprint: 'f2' } } });
    });

    it('takes over a claim whose lease ended without effects; the old holder can no longer complete it', async () => {
      const key = scope();
      const now = new Date();
      const stale = await claimed(key, request('f1'), now);
      const fresh = await claimed(key, request('f1'), later(now, LEASE_MS + 1));

      expect(await store.complete(stale, record(stale.claim, { from: 'stale' }))).toBe(false);
      expect(await store.complete(fresh, record(fresh.claim, { from: 'fresh' }))).toBe(true);
      expect(await store.claim(key, request(), new Date())).toMatchObject({ kind: 'completed', record: { body: { from: 'fresh' } } });
    });

    it('never runs a request twice that wrote events before failing or dying (stores that see the log)', async () => {
      const recordEffect = subject.recordEffect;
      if (!recordEffect) {
        // A process-local store sees no log: a failure and an expired claim release the key.
        const key = scope();
        const now = new Date();
        await claimed(key, request(), now);
        expect((await store.claim(key, request(), later(now, LEASE_MS + 1))).kind).toBe('claimed');
        return;
      }
      const failed = scope();
      const ticket = await claimed(failed, request('f1'));
      await recordEffect(ticket.claim.correlationId);
      await store.fail(ticket);
      expect(await store.claim(failed, request('f1'), new Date())).toMatchObject({
        kind: 'outcome-lost',
        eventsApplied: 1,
        claim: { correlationId: ticket.claim.correlationId, fingerprint: 'f1' },
      });

      const died = scope();
      const now = new Date();
      const holder = await claimed(died, request('f1'), now);
      await recordEffect(holder.claim.correlationId);
      await recordEffect(holder.claim.correlationId);
      const after = await store.claim(died, request('f1'), later(now, LEASE_MS + 1));
      expect(after).toMatchObject({ kind: 'outcome-lost', eventsApplied: 2 });
      expect(await store.complete(holder, record(holder.claim))).toBe(false);
      expect((await store.claim(died, request('f1'), later(now, 10 * LEASE_MS))).kind).toBe('outcome-lost');
    });
  });
}
