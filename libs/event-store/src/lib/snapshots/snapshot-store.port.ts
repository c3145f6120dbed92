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
  erasureEpoch: number;
  importedOnly: boolean;
  last: EventEnvelope;
  state: State;
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
  /** Drops every snapshot of a stream. */
  deleteStream(streamId: string): Promise<void>;
  /** Drops every snapshot of a tenant's streams (after a person of the tenant was erased). */
  deleteTenant(tenantId: string): Promise<void>;
  close(): Promise<void>;
}
