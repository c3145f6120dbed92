import type { IntegrationEvent } from './integration-event';

/** The logger the messaging adapters write to: pino's `(object, message)` shape, so a pino logger fits. */
export interface MessagingLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const INTEGRATION_EVENT_PUBLISHER = Symbol('INTEGRATION_EVENT_PUBLISHER');
export const INTEGRATION_EVENT_CONSUMER = Symbol('INTEGRATION_EVENT_CONSUMER');

/**
 * Publishes integration events to a topic, keyed by aggregate id. Resolves once every event is
 * acknowledged by the destination (Kafka: all in-sync replicas, `acks: -1`).
 */
export interface IntegrationEventPublisher {
  publish(topic: string, events: readonly IntegrationEvent[]): Promise<void>;
  close(): Promise<void>;
}

export type EventHandler = (event: IntegrationEvent) => Promise<void>;

export interface ConsumerOptions {
  /** The consumer group: each group gets every event; members of one group share the work. */
  group: string;
  topics: readonly string[];
  /** Handlers by event type; events of other types are acknowledged and skipped. */
  handlers: Readonly<Record<string, EventHandler>>;
  /**
   * Optional: handles consecutive events of the handled types in one call (a projection applies them
   * in one read-store transaction). An adapter that batches calls it with up to `maxBatchSize`
   * events, in log order, instead of the per-event handlers; when the batch fails it delivers those
   * events one at a time through `handlers` (with retries and dead letters as usual). An adapter that
   * does not batch ignores it. It must have the same effect as the handlers one by one. Kafka calls it
   * per partition with up to `maxBatchSize` records of a fetched batch.
   */
  handleBatch?: (events: readonly IntegrationEvent[]) => Promise<void>;
  /** The most events per `handleBatch` call and per checkpoint (default 500). */
  maxBatchSize?: number;
  /** Attempts before an event goes to the dead-letter destination (default 5). */
  maxAttempts?: number;
  /** Backoff between attempts: doubles from `initialMs` up to `maxMs`, with jitter. */
  retry?: { initialMs?: number; maxMs?: number };
  /**
   * Told after a record went to the dead-letter destination (an event whose handler kept failing, or
   * a Kafka record that does not parse: no `type` then). Must not throw.
   */
  onDeadLetter?: (letter: { group: string; topic: string; type?: string }) => void;
  /**
   * Hand the handlers each event with its personal data sealed, as Kafka carries it (the latest schema
   * version, each personal field sealed under its subject's key), instead of opened: for a read model
   * that keeps personal fields sealed and opens them when it is read, so an erasure reaches it.
   */
  sealed?: boolean;
}

/** A started consumer. `stop` finishes the event in flight, commits, and leaves the group. */
export interface RunningConsumer {
  stop(): Promise<void>;
}

/** Where to move a group (it must be stopped): the start, after a log position, or an instant. */
export type ResetTarget = { to: 'start' } | { to: 'position'; position: number } | { to: 'instant'; at: Date };

/**
 * Consumes integration events at least once, in order per key. A group's position (offset or
 * checkpoint) moves only after the handler succeeded; an event whose handler keeps failing goes to
 * the dead-letter destination with its error, and the group moves on.
 */
export interface IntegrationEventConsumer {
  start(options: ConsumerOptions): Promise<RunningConsumer>;
  reset(group: string, topics: readonly string[], target: ResetTarget): Promise<void>;
  /**
   * Whether `group` has finished every event of `topics` written so far (its committed position is
   * at the head of each topic and partition). For readiness: a view still reading history is
   * "catching up". A group new to the bus with events to read is not caught up.
   */
  caughtUp(group: string, topics: readonly string[]): Promise<boolean>;
  /**
   * How far `group` is behind on each partition of `topics` (for `okr_consumer_lag`): Kafka, records
   * after its committed offset; the embedded bus (one partition, 0), log positions after its
   * checkpoint up to the head once an event of the topic is waiting, as the relay counts its lag.
   */
  lag(group: string, topics: readonly string[]): Promise<PartitionLag[]>;
  /** The consumer groups the bus holds (with positions or members) whose names start with `prefix`. */
  listGroups(prefix: string): Promise<string[]>;
  /**
   * Deletes each of `groups` that has no member, with its positions; a group with a member (in this
   * process or another) is kept, and the answer says why. For groups nobody follows any more.
   */
  deleteIdleGroups(groups: readonly string[]): Promise<GroupCleanup>;
  close(): Promise<void>;
}

/** What {@link IntegrationEventConsumer.deleteIdleGroups} did with each group it was given. */
export interface GroupCleanup {
  deleted: string[];
  kept: { group: string; reason: string }[];
}

/** A consumer group's lag on one partition of a topic. */
export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/** What the dead-letter destination keeps of an event that could not be handled. */
export interface DeadLetter {
  group: string;
  topic: string;
  event: IntegrationEvent;
  error: string;
  attempts: number;
  failedAt: string;
}
