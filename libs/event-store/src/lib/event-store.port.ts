import type { EventEnvelope, EventMetadata } from '@okr/okr-domain';

/** DI token for the {@link EventStore} port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * What the writer expects the stream to be at: anything, absent, or exactly at a revision
 * (0-based revision of its last event).
 */
export type ExpectedRevision = 'any' | 'no_stream' | number;

/** An event to append. `id` (UUID v7) makes a retried append idempotent. */
export interface NewEvent {
  id: string;
  type: string;
  schemaVersion?: number;
  data: unknown;
  metadata: EventMetadata;
}

/** One stream's part of an {@link EventStore.appendMany}. */
export interface StreamAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision (the last revision when reading backwards from the end). */
  fromRevision?: number;
  maxCount?: number;
  /**
   * As-of: only events whose `metadata.occurredAt` is at or before this instant. Applied before
   * `maxCount`, which counts the events returned.
   */
  until?: Date;
  /** Each event exactly as stored, not lifted to its latest schema version (see `readPath`). */
  asStored?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position strictly greater than this. Omit to start at the beginning. */
  after?: number;
  /** Stream categories to keep (`objective`, `cycle`); omit for all. */
  categories?: readonly string[];
  maxCount?: number;
  /** Each event exactly as stored, not lifted to its latest schema version (see `readPath`). */
  asStored?: boolean;
}

/** How much of a bookkeeping stream a store keeps (see {@link EventStore.setStreamRetention}). */
export interface StreamRetention {
  maxCount?: number;
  maxAgeSeconds?: number;
}

export interface SubscribeOptions {
  /** Exclusive, as in {@link ReadAllOptions.after}. Omit to start at the beginning of the log. */
  after?: number;
  categories?: readonly string[];
  /** Stops the subscription; the iterator then ends. */
  signal?: AbortSignal;
  /** Each event exactly as stored, not lifted to its latest schema version (see `readPath`). */
  asStored?: boolean;
}

/**
 * The event store port. Every adapter passes the shared contract suite
 * (`eventStoreContract` in `@okr/event-store/testing`).
 *
 * Reads are async iterables that stream in pages: replaying the whole log holds a page, not the log.
 * Every read hands events over in their latest schema version (upcast on the way out), unless it asks
 * for them `asStored`; an append without a `schemaVersion` stores the type's latest.
 */
export interface EventStore {
  /**
   * Appends atomically: all events or none. Throws {@link WrongExpectedRevisionError} when the stream is
   * not where `expected` says. Re-appending events whose ids are already stored, in the same order at
   * the end of the stream, writes nothing and returns the original result.
   *
   * Precisely: a retry is recognised when every id of `events` is stored, contiguously and in the same
   * order, in `streamId`, where `expected` would have put them (`any`: anywhere; `no_stream`: from
   * revision 0; `n`: from revision `n + 1`); it then returns the {@link AppendResult} of the original
   * append even if the stream has moved on since. When only some of the ids are stored, or stored
   * elsewhere, the append is rejected with {@link EventIdConflictError} (where the adapter can tell).
   * An empty `events` array is rejected with a `RangeError`: there is nothing to make atomic.
   */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;

  /**
   * Appends to several streams in one transaction: all of them or none (one durable commit for the
   * whole batch, e.g. an import request). Each part is checked as {@link append} checks it; a stream may
   * appear once. Throws {@link WrongExpectedRevisionError} for the first part whose stream is not where
   * it expects, and then writes nothing. A retry of a multi-stream append is not recognised as such:
   * its ids are already stored, so it is rejected. Results are in the order of `appends`.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;

  /** Events of one stream; an absent stream yields nothing. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<EventEnvelope>;

  /** The global log in commit order. */
  readAll(options?: ReadAllOptions): AsyncIterable<EventEnvelope>;

  /**
   * Catch up from `after`, then follow live appends, in global order without gaps: an event is never
   * delivered before every event with a lower position has been committed and delivered.
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<EventEnvelope>;

  /** Position of the last event in the global log (-1 when empty). */
  headPosition(): Promise<number>;

  /**
   * Lets the store drop a stream's old events: beyond the last `maxCount`, or older than
   * `maxAgeSeconds` (KurrentDB's `$maxCount` / `$maxAge` stream metadata; they stop being read at once
   * and are removed by the next scavenge). For bookkeeping streams only (relay leases and checkpoints,
   * idempotency keys), never for a domain stream. The stream's revision keeps counting. Adapters that
   * cannot drop events (SQLite, whose log is one hash-chained file) leave this method out, and callers
   * treat old records as expired themselves.
   */
  setStreamRetention?(streamId: string, retention: StreamRetention): Promise<void>;

  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Actual revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * An append reuses event ids that are already stored, but not as a retry of the same append: only
 * some of them are stored, or they are stored in another stream or at other revisions.
 */
export class EventIdConflictError extends Error {
  constructor(
    readonly streamId: string,
    /** The ids of the rejected append that are already stored. */
    readonly storedIds: readonly string[],
    detail: string,
  ) {
    super(`Append to ${streamId} reuses stored event ids (${storedIds.join(', ')}): ${detail}`);
    this.name = 'EventIdConflictError';
  }
}
