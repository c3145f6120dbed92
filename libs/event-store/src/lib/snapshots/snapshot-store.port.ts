import type { EventEnvelope } from '@okr/okr-domain';

/**
 * An aggregate's folded state after the events of its stream up to `revision`, as an as-of read
 * needs it: never trusted across state shapes (`shape`, the decider's `stateVersion`) nor across a
 * tenant's erasures (`erasureEpoch`, the revision of the tenant's erasure stream when it was taken).
 */
export interface AggregateSnapshot<State = unknown> {
  streamId: string;
  tenantId: string;
  shape: string;
  revision: number;
  /** The latest `occurredAt` of the events folded: the snapshot serves as-of reads at or after it. */
  maxOccurredAt: string;
  /**
   * The earliest `occurredAt` of the events this snapshot folded after the snapshot its fold started
   * from (or after the stream's start): its chunk. A stream's snapshots cover it from revision 0 to the
   * last one without gaps (each fold starts at a kept snapshot or at 0), so an as-of read knows which
   * chunks hold no event at or before its instant and never reads them (see `SnapshotStore.span`).
   */
  chunkMinOccurredAt: string;
  /**
   * The first revision of its chunk (the revision after the snapshot its fold started from, or 0), when
   * known. An adapter that keeps a stream's snapshots as one run (KurrentDB) keeps only a snapshot that
   * continues the run, so the chunks still cover the stream without gaps.
   */
  chunkFrom?: number;
  erasureEpoch: number;
  importedOnly: boolean;
  last: EventEnvelope;
  state: State;
}

/** See {@link SnapshotStore.span}. */
export interface SnapshotSpan {
  through: number;
  coveredTo: number;
}

/**
 * Where snapshots are kept, beside the event store. Every adapter passes `snapshotStoreContract`
 * (`@okr/event-store/testing`). Snapshots hold folded state in clear, personal data included: the
 * loader keeps them from outliving an erasure (`snapshot-fold.ts`), with `deleteTenant`.
 */
export interface SnapshotStore {
  /** Keeps a snapshot; one already kept at the same stream, shape and revision is replaced. */
  save(snapshot: AggregateSnapshot): Promise<void>;
  /** The snapshot of `shape` with the highest revision whose `maxOccurredAt` is at or before `until`. */
  nearest(streamId: string, shape: string, until: Date): Promise<AggregateSnapshot | undefined>;
  /**
   * What an as-of read at `until` that folds from revision `after` (a snapshot's, or -1) must still read:
   * the events up to `through` (the last snapshot after `after` whose chunk holds an event at or before
   * `until`; `after` when none does), and every event after `coveredTo` (the last snapshot kept, -1
   * without one), whose times no snapshot records. No event in between is at or before `until`.
   */
  span(streamId: string, shape: string, after: number, until: Date): Promise<SnapshotSpan>;
  /** Drops every snapshot of a stream. */
  deleteStream(streamId: string): Promise<void>;
  /** Drops every snapshot of a tenant's streams (after a person of the tenant was erased). */
  deleteTenant(tenantId: string): Promise<void>;
  close(): Promise<void>;
}
