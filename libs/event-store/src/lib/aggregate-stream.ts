import type { DomainEvent, EventEnvelope } from '@okr/okr-domain';
import type { EventStore } from './event-store.port';

export interface AggregateStreamOptions<Evt extends DomainEvent> {
  /** As-of: fold only events that occurred at or before this instant. */
  until?: Date;
  /** Fold only up to this revision, inclusive. */
  toRevision?: number;
  /**
   * Lifts a stored event to the shape `evolve` expects (e.g. an old `schemaVersion`). By default the
   * envelope itself is passed on: it carries `type` and `data`, which is all a decider reads.
   */
  upcast?: (event: EventEnvelope) => Evt;
}

export interface AggregatedStream<State> {
  state: State;
  /** Revision of the last event folded: the expected revision for the next append. */
  revision: number | 'no_stream';
  /** How many events were folded. */
  events: number;
}

/**
 * Rebuilds a decider's state by folding `evolve` over a stream, page by page; with `until` or
 * `toRevision` it is the state as it was then. The command handler appends with `revision` as the
 * expected revision, so a concurrent writer makes the append fail instead of being overwritten.
 */
export async function aggregateStream<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  evolve: (state: State, event: Evt) => State,
  initialState: () => State,
  options: AggregateStreamOptions<Evt> = {},
): Promise<AggregatedStream<State>> {
  const upcast = options.upcast ?? ((event: EventEnvelope) => event as unknown as Evt);
  let state = initialState();
  let revision: number | 'no_stream' = 'no_stream';
  let events = 0;
  const maxCount = options.toRevision === undefined ? undefined : Math.max(0, options.toRevision + 1);
  for await (const event of store.readStream(streamId, { until: options.until, maxCount })) {
    state = evolve(state, upcast(event));
    revision = event.revision;
    events += 1;
  }
  return { state, revision, events };
}
