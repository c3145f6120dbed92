import { v7 as uuidv7 } from 'uuid';
import type { Command, Decider, DomainEvent, EventEnvelope } from '@okr/okr-domain';
import { notFound, ruleBroken } from '@okr/okr-domain';
import type { EventStore, ExpectedRevision, NewEvent } from './event-store.port';
import { WrongExpectedRevisionError } from './event-store.port';
import { appendBatchOf } from './append-batch';
import { foldCacheOf } from './fold-cache';
import { loadAsOfFromSnapshots, loadCurrentFromSnapshots, snapshotAfterAppend } from './snapshots/snapshot-fold';

/** Who is acting, for which tenant, in which causal chain. Becomes the events' metadata. */
export interface CommandContext {
  tenantId: string;
  actor: string;
  correlationId: string;
  /** The id of the request or message that caused this command; defaults to the correlation id. */
  causationId?: string;
  traceparent?: string;
  /** The command's clock; `decide` receives it as `metadata.now`. */
  now?: Date;
  /**
   * Set when the command is imported: the instant it was written (ISO-8601), copied into each event's
   * `metadata.importedAt`; `now` then carries the original time of the change.
   */
  importedAt?: string;
}

/** A stream folded with a decider's `evolve`, as seen by one tenant. */
export interface LoadedAggregate<State> {
  state: State;
  /** Revision of the last event folded, or 'no_stream'. */
  revision: number | 'no_stream';
  /** The last event folded (for `updatedAt`-style views). */
  last?: EventEnvelope;
  /** True when every event folded was imported (also for an absent stream): an import may extend it. */
  importedOnly: boolean;
}

/**
 * Folds a stream for one tenant. A stream written by another tenant is reported as absent, so that
 * no caller can learn that it exists. `until` stops the fold at an instant (as-of), from the nearest
 * snapshot before it when the store keeps snapshots and the decider has a `stateVersion`. With the
 * store's fold cache on, only the events appended since the stream was last folded are read; a stream
 * the cache does not hold is folded from its latest snapshot (when the store keeps them).
 */
export async function loadAggregate<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState' | 'stateVersion'>,
  tenantId: string,
  until?: Date,
): Promise<LoadedAggregate<State>> {
  const fromSnapshots = until === undefined ? undefined : await loadAsOfFromSnapshots(store, streamId, decider, tenantId, until);
  if (fromSnapshots) return fromSnapshots;
  // Inside an append batch, what the batch holds is part of the stream, and folds that include it
  // stay in the batch's own cache until it commits.
  // stay in the batch's own cache until it commits (it starts from the store's committed folds).
  const batch = until === undefined ? appendBatchOf(store) : undefined;
  const cache = until === undefined ? (batch?.foldCache ?? foldCacheOf(store)) : undefined;
  const cached = cache?.get<State>(streamId, decider.evolve) ?? (batch ? foldCacheOf(store)?.get<State>(streamId, decider.evolve) : undefined);
  if (cached && cached.tenantId !== tenantId) return absent(decider);
  if (until === undefined && !cached && !batch) {
    // Nothing folded in this process (a restart, or a fold that aged out): from the latest snapshot.
    const current = await loadCurrentFromSnapshots(store, streamId, decider, tenantId);
    if (current) {
      if (cache && current.last) cache.set(streamId, { evolve: decider.evolve, tenantId, state: current.state, revision: current.last.revision, last: current.last, importedOnly: current.importedOnly });
      return current;
    }
  }
  let state = cached ? cached.state : decider.initialState();
  let last: EventEnvelope | undefined = cached?.last;
  let importedOnly = cached ? cached.importedOnly : true;
  const options = until ? { until } : cached ? { fromRevision: cached.revision + 1 } : {};
  for await (const event of store.readStream(streamId, options)) {
    if (event.metadata.tenantId !== tenantId) return absent(decider);
    state = decider.evolve(state, event as unknown as Evt);
    last = event;
    importedOnly &&= event.metadata.importedAt !== undefined;
  }
  for (const event of batch?.held(streamId) ?? []) {
    if (last && event.revision <= last.revision) continue;
    if (event.metadata.tenantId !== tenantId) return absent(decider);
    state = decider.evolve(state, event as unknown as Evt);
    last = event;
    importedOnly &&= event.metadata.importedAt !== undefined;
  }
  if (cache && last && last !== cached?.last) {
    cache.set(streamId, { evolve: decider.evolve, tenantId, state, revision: last.revision, last, importedOnly }, cached?.foldedAt);
  }
  return { state, revision: last ? last.revision : 'no_stream', ...(last ? { last } : {}), importedOnly };
}

/** A stream that does not exist, or that another tenant wrote: the two answers are the same. */
const absent = <State>(decider: Pick<Decider<State, never, never>, 'initialState'>): LoadedAggregate<State> => ({
  state: decider.initialState(),
  revision: 'no_stream',
  importedOnly: true,
});

export interface HandleCommandOptions {
  /**
   * The revision the caller saw (HTTP If-Match). When given, a stream at another revision is a
   * conflict; when absent, a concurrent write is retried on fresh state.
   */
  expectedRevision?: number;
  /** Attempts when no expected revision was given and another writer got in between. */
  maxAttempts?: number;
}

export interface CommandResult<State> {
  /** The events appended: id, type and stream revision of each. */
  events: { id: string; type: string; revision: number }[];
  /** Revision of the stream after the command (unchanged when the command decided nothing). */
  revision: number | 'no_stream';
  state: State;
}

/**
 * emmett's command handler: read the stream, fold `evolve`, `decide`, append with the revision read.
 * Throws the decider's DomainError or {@link WrongExpectedRevisionError}; on any error nothing is written.
 */
export async function handleCommand<State, Cmd extends Command, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Cmd, Evt>,
  /** One command, or several decided in turn on the evolving state and appended atomically. */
  command: Omit<Cmd, 'metadata'> | readonly Omit<Cmd, 'metadata'>[],
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<State>> {
  const maxAttempts = options.expectedRevision === undefined ? (options.maxAttempts ?? 3) : 1;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadAggregate(store, streamId, decider, context.tenantId);
    const { state, revision } = loaded;
    if (options.expectedRevision !== undefined && revision !== options.expectedRevision) {
      if (revision === 'no_stream') throw notFound('stream-not-found', 'This does not exist.', { streamId });
      throw new WrongExpectedRevisionError(streamId, options.expectedRevision, revision);
    }
    const now = context.now ?? new Date();
    if (context.importedAt !== undefined) assertImportable(streamId, loaded, now);
    let newState = state;
    const decided: Evt[] = [];
    for (const each of Array.isArray(command) ? command : [command]) {
      const events = decider.decide({ ...each, metadata: { now: now.toISOString() } } as Cmd, newState);
      newState = events.reduce(decider.evolve, newState);
      decided.push(...events);
    }
    if (decided.length === 0) return { events: [], revision, state };

    const toAppend: NewEvent[] = decided.map((event) => ({
      id: uuidv7(),
      type: event.type,
      data: event.data,
      metadata: {
        tenantId: context.tenantId,
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId ?? context.correlationId,
        occurredAt: now.toISOString(),
        ...(context.importedAt ? { importedAt: context.importedAt } : {}),
        ...(context.traceparent ? { traceparent: context.traceparent } : {}),
      },
    }));
    const expected: ExpectedRevision = revision;
    try {
      const batch = appendBatchOf(store);
      const result = batch ? await batch.append(streamId, toAppend, expected) : await store.append(streamId, toAppend, expected);
      const first = result.nextExpectedRevision - toAppend.length + 1;
      // Crossing a snapshot boundary: the snapshots follow the stream, after this command answered.
      // (In an append batch nothing is committed yet: the next load after a restart keeps them.)
      if (!batch) snapshotAfterAppend(store, streamId, decider, context.tenantId, first - 1, result.nextExpectedRevision);
      const events = toAppend.map(({ id, type }, index) => ({ id, type, revision: first + index }));
      return { events, revision: result.nextExpectedRevision, state: newState };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
    }
  }
}

/**
 * An imported command may not rewrite the past that readers have seen: it may only create a stream,
 * or extend one that imports alone have written, and never before that stream's last event. So an
 * import cannot change what an as-of read of any stream with a live change answers.
 */
function assertImportable(streamId: string, loaded: LoadedAggregate<unknown>, at: Date): void {
  if (!loaded.importedOnly) {
    throw ruleBroken(
      'import-into-live-stream',
      'An import may only create new records or extend records that imports created; this record already has changes made in the platform, and an import may not rewrite their history.',
      { streamId },
    );
  }
  const lastAt = loaded.last ? Date.parse(loaded.last.metadata.occurredAt) : Number.NEGATIVE_INFINITY;
  if (at.getTime() < lastAt) {
    throw ruleBroken(
      'import-out-of-order',
      `An imported change at ${at.toISOString()} may not come before the record's last change (${loaded.last?.metadata.occurredAt}): import the oldest history first.`,
      { streamId, at: at.toISOString(), lastOccurredAt: loaded.last?.metadata.occurredAt },
    );
  }
}
