import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AppendStreamState,
  type CurrentStreamState,
  type Filter,
  type JSONType,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import type { EventEnvelope, EventMetadata } from '@okr/okr-domain';
import { assertAppendable, assertAppendableMany, categoryOfStream, occurredAtMillis, retryStartRevision } from '../append-guards';
import { chainHash, chainedContent } from '../event-chain';
import { readPath, schemaVersionToStore } from '../read-path';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StreamAppend,
  type StreamRetention,
  type SubscribeOptions,
} from '../event-store.port';

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://admin:changeit@localhost:2113?tls=false` (`esdb://` works too). */
  connectionString: string;
}

/**
 * Event metadata as stored in KurrentDB: the envelope's metadata plus `$schemaVersion`, `$hash` (the
 * event chain's link), and `$correlationId` / `$causationId`, the names KurrentDB's own
 * `$by_correlation_id` projection reads.
 */
type StoredMetadata = EventMetadata & { $schemaVersion?: number; $hash?: string; $correlationId?: string; $causationId?: string };

/** Attempts of an `any` append whose chain head moved between reading it and appending. */
const MAX_ANY_ATTEMPTS = 5;

/** The fields of a KurrentDB recorded event this adapter reads. */
interface RecordedEventLike {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: { commit: bigint };
}

const toStreamState = (expected: ExpectedRevision): AppendStreamState =>
  expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : BigInt(expected);

const fromStreamState = (state: CurrentStreamState): number | 'no_stream' =>
  typeof state === 'bigint' ? Number(state) : 'no_stream';

/** `after` is exclusive; KurrentDB reads from a position inclusively, so the caller also skips it. */
const readPositionAfter = (after: number | undefined): ReadPosition =>
  after === undefined || after < 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Events this port owns: JSON, in a non-system stream, with our metadata. */
const toEnvelope = (event: RecordedEventLike | undefined, commitPosition?: bigint): EventEnvelope | undefined => {
  if (!event || !event.isJson || event.streamId.startsWith('$') || typeof event.metadata !== 'object' || event.metadata === null) {
    return undefined;
  }
  const { $schemaVersion, $hash, $correlationId: _correlation, $causationId: _causation, ...metadata } = event.metadata as StoredMetadata;
  return {
    id: event.id,
    type: event.type,
    schemaVersion: $schemaVersion ?? 1,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: Number(event.position?.commit ?? commitPosition ?? -1n),
    data: event.data as EventEnvelope['data'],
    metadata,
    ...($hash === undefined ? {} : { hash: $hash }),
  };
};

/**
 * The production event store: KurrentDB (EventStoreDB) through `@kurrent/kurrentdb-client`.
 *
 * The global `position` of an event is its commit position in `$all` (each event of an append has its
 * own, increasing in commit order). `schemaVersion` travels in the event metadata as `$schemaVersion`.
 * Reads stream through the client, which fetches from the server in batches.
 *
 * The chain hash needs the stream's head, so an append first reads the last events of the stream and
 * then appends at exactly that revision: a concurrent writer makes the server refuse one of the two,
 * and no two events ever chain to the same predecessor. With `any`, a refused append is re-chained on
 * the new head and tried again; a retry of an `any` append is recognised when its ids are at the end.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<AbortController>();
  private closed = false;

  /** Connects lazily: the first call reaches the server. */
  static connect(options: KurrentDbEventStoreOptions): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(options.connectionString));
  }

  constructor(private readonly client: KurrentDBClient) {}

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    assertAppendable(streamId, events, expected);
    for (const event of events) occurredAtMillis(event);
    for (let attempt = 1; ; attempt += 1) {
      const tail = await this.tailOf(streamId, events.length);
      const head = tail[tail.length - 1];
      if (expected === 'any' && head && tail.length === events.length && tail.every((stored, index) => stored.id === events[index].id)) {
        return { nextExpectedRevision: head.revision, position: head.position };
      }
      const streamState = expected === 'any' ? (head ? BigInt(head.revision) : NO_STREAM) : toStreamState(expected);
      try {
        const result = await this.client.appendToStream(streamId, this.chained(streamId, events, head), { streamState });
        const nextExpectedRevision = Number(result.nextExpectedRevision);
        // The server omits the position when it answers a retry it recognised as already written.
        const position = result.position ? Number(result.position.commit) : await this.positionOf(streamId, nextExpectedRevision);
        return { nextExpectedRevision, position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const original = await this.originalAppend(streamId, events, expected);
        if (original) return original;
        if (expected === 'any' && attempt < MAX_ANY_ATTEMPTS) continue;
        throw new WrongExpectedRevisionError(streamId, expected, fromStreamState(error.actualState));
      }
    }
  }

  /**
   * Not atomic across streams on this adapter yet: the parts are appended one after another, each
   * atomic and checked, and the first refused part stops the rest (the parts before it stay written).
   * KurrentDB 25.1's multi-stream append (`multiStreamAppend`) takes metadata as a map of strings,
   * which this adapter's stored metadata (`$schemaVersion`, `$hash`) is not yet.
   */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    assertAppendableMany(appends);
    const results: AppendResult[] = [];
    for (const { streamId, events, expected } of appends) results.push(await this.append(streamId, events, expected));
    return results;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<EventEnvelope> {
    const backwards = options.direction === 'backwards';
    const until = options.until?.getTime();
    if (until !== undefined && Number.isNaN(until)) throw new RangeError('readStream: `until` is an invalid Date');
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const events = this.client.readStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
      // With `until` the server cannot count what we keep, so we count.
      ...(until === undefined && Number.isFinite(remaining) ? { maxCount: remaining } : {}),
    });
    try {
      for await (const resolved of events) {
        const envelope = toEnvelope(resolved.event, resolved.commitPosition);
        // Filtered rather than stopped at the first later event: clocks of several writers may disagree.
        if (!envelope || (until !== undefined && Date.parse(envelope.metadata.occurredAt) > until)) continue;
        yield options.asStored ? envelope : readPath(envelope);
        remaining -= 1;
        if (remaining <= 0) return;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<EventEnvelope> {
    const keep = this.keeper(options.after, options.categories);
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (!keep || remaining <= 0) return;
    const events = this.client.readAll({
      fromPosition: readPositionAfter(options.after),
      filter: this.filterFor(options.categories),
    });
    for await (const resolved of events) {
      const envelope = toEnvelope(resolved.event, resolved.commitPosition);
      if (!envelope || !keep(envelope)) continue;
      yield options.asStored ? envelope : readPath(envelope);
      remaining -= 1;
      if (remaining <= 0) return;
    }
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<EventEnvelope> {
    if (this.closed || options.signal?.aborted) return;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.subscriptions.add(stop);
    const keep = this.keeper(options.after, options.categories);
    // `subscribeToAll` follows `$all` in commit order, so delivery is gap-free by the server's design.
    const subscription = keep
      ? this.client.subscribeToAll({ fromPosition: readPositionAfter(options.after), filter: this.filterFor(options.categories) })
      : undefined;
    const unsubscribe = (): void => void subscription?.unsubscribe();
    stop.signal.addEventListener('abort', unsubscribe, { once: true });
    try {
      if (!subscription || !keep) {
        await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
        return;
      }
      for await (const resolved of subscription) {
        if (stop.signal.aborted) return;
        const envelope = toEnvelope(resolved.event, resolved.commitPosition);
        if (envelope && keep(envelope)) yield options.asStored ? envelope : readPath(envelope);
      }
    } catch (error) {
      // Unsubscribing cancels the call; that error is the requested end, not a failure.
      if (!stop.signal.aborted) throw error;
    } finally {
      this.subscriptions.delete(stop);
      options.signal?.removeEventListener('abort', onAbort);
      stop.signal.removeEventListener('abort', unsubscribe);
      if (!stop.signal.aborted) await subscription?.unsubscribe();
    }
  }

  async headPosition(): Promise<number> {
    const latest = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 256, filter: excludeSystemEvents() });
    for await (const resolved of latest) {
      const envelope = toEnvelope(resolved.event, resolved.commitPosition);
      if (envelope) return envelope.position;
    }
    return -1;
  }

  /** `$maxCount` / `$maxAge` on the stream's metadata (it replaces the stream's metadata: we set no other). */
  async setStreamRetention(streamId: string, retention: StreamRetention): Promise<void> {
    await this.client.setStreamMetadata(streamId, {
      ...(retention.maxCount === undefined ? {} : { maxCount: retention.maxCount }),
      ...(retention.maxAgeSeconds === undefined ? {} : { maxAge: retention.maxAgeSeconds }),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.abort();
    await this.client.dispose();
  }

  /** The predicate an event must pass; undefined when nothing can pass (an empty category list). */
  private keeper(after: number | undefined, categories: readonly string[] | undefined) {
    if (categories !== undefined && categories.length === 0) return undefined;
    const wanted = categories && new Set(categories);
    return (event: EventEnvelope): boolean =>
      (after === undefined || event.position > after) && (!wanted || wanted.has(categoryOfStream(event.streamId)));
  }

  /** Server-side filter: the categories' streams, or every non-system event. */
  private filterFor(categories: readonly string[] | undefined): Filter {
    if (!categories) return excludeSystemEvents();
    return streamNameFilter({ regex: `^(?:${categories.map(escapeRegex).join('|')})(?:-|$)` });
  }

  /** The original result when `events` were already appended where `expected` put them. */
  private async originalAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult | undefined> {
    const start = retryStartRevision(expected);
    if (start === undefined) return undefined;
    const stored: EventEnvelope[] = [];
    for await (const event of this.readStream(streamId, { fromRevision: start, maxCount: events.length })) stored.push(event);
    const matches = stored.length === events.length && stored.every((event, index) => event.id === events[index].id);
    if (!matches) return undefined;
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  /** The last `count` events of a stream, oldest first (empty for an absent stream). */
  private async tailOf(streamId: string, count: number): Promise<EventEnvelope[]> {
    const tail: EventEnvelope[] = [];
    for await (const event of this.readStream(streamId, { direction: 'backwards', maxCount: count, asStored: true })) tail.unshift(event);
    return tail;
  }

  /** The events as KurrentDB stores them, each chained to the one before, starting at `head`. */
  private chained(streamId: string, events: readonly NewEvent[], head: EventEnvelope | undefined) {
    let previousHash = head?.hash;
    let revision = head?.revision ?? -1;
    return events.map((event) => {
      revision += 1;
      const schemaVersion = schemaVersionToStore(event);
      const hash = chainHash(previousHash, revision, chainedContent({ ...event, streamId, schemaVersion }));
      previousHash = hash;
      const metadata: StoredMetadata = {
        ...event.metadata,
        $schemaVersion: schemaVersion,
        $hash: hash,
        $correlationId: event.metadata.correlationId,
        $causationId: event.metadata.causationId,
      };
      return jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata });
    });
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    for await (const event of this.readStream(streamId, { fromRevision: revision, maxCount: 1, asStored: true })) return event.position;
    return -1;
  }
}
