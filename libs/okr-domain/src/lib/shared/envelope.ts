/**
 * The one event envelope of the platform (ARCHITECTURE.md, "Events"). Deciders produce bare
 * {@link DomainEvent}s; the application layer wraps them with ids, metadata and positions.
 */

/** Who did what, for whom, why, and when. Travels with every stored event. */
export interface EventMetadata {
  tenantId: string;
  /** The user (token subject) who caused the change. */
  actor: string;
  correlationId: string;
  /** Id of the command or event that caused this one. */
  causationId: string;
  /** ISO-8601 instant at which the change happened (the clock of the command). */
  occurredAt: string;
  /**
   * Set only on imported events (`POST /api/v1/imports/{service}`): the ISO-8601 instant at which the event was
   * written. `occurredAt` then holds the ORIGINAL time of the change, so that replay and as-of reads
   * place the event where it happened; `importedAt` tells it apart from a change made live.
   */
  importedAt?: string;
  traceparent?: string;
}

/** A past-tense fact as a decider emits it: no id, no position, no metadata yet. */
export interface DomainEvent<Type extends string = string, Data = Record<string, unknown>> {
  readonly type: Type;
  readonly data: Data;
}

/** A command as a decider receives it. The clock comes in with the command so `decide` stays pure. */
export interface Command<Type extends string = string, Data = Record<string, unknown>> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: { readonly now: string };
}

/** An event as stored and distributed. */
export interface EventEnvelope<E extends DomainEvent = DomainEvent> {
  /** UUID v7: sortable by creation time, and the idempotency key of an append. */
  id: string;
  type: E['type'];
  schemaVersion: number;
  /** `{category}-{aggregateId}`. */
  streamId: string;
  /** 0-based position of the event inside its stream. */
  revision: number;
  /** Position in the global log; strictly increasing in commit order. */
  position: number;
  data: E['data'];
  metadata: EventMetadata;
  /**
   * Set by the event store at append: SHA-256 chaining this event to the previous one of its stream
   * (`@okr/event-store`'s event chain defines the hashed bytes). Absent on events stored before the
   * chain existed.
   */
  hash?: string;
}

/**
 * Who caused an event being folded, when `evolve` is handed the stored envelope (as the command
 * handler and replays do); undefined for an event just decided, which has no metadata yet. Deciders
 * use it to know whose free text a later event copies (the `from` of a correction).
 */
export const actorOf = (event: DomainEvent): string | undefined => {
  const actor = (event as { metadata?: { actor?: unknown } }).metadata?.actor;
  return typeof actor === 'string' && actor !== '' ? actor : undefined;
};

/** emmett's decider: pure, synchronous, no framework. */
export interface Decider<State, Cmd extends Command, Evt extends DomainEvent> {
  decide: (command: Cmd, state: State) => Evt[];
  evolve: (state: State, event: Evt) => State;
  initialState: () => State;
  /**
   * The version of the state's shape, for deciders whose folds may be kept as snapshots: change it
   * whenever `evolve` or the state's type changes, and snapshots of the old shape are never used.
   */
  stateVersion?: string;
}

/** Stream naming: `{category}-{aggregateId}`. */
export const streamName = (category: string, id: string): string => `${category}-${id}`;

/** The category of a stream id (`objective-0193…` -> `objective`). */
export const categoryOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
