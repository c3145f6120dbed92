import type { Decider, DomainEvent, EventEnvelope } from '@okr/okr-domain';
import { ERASURE_CATEGORY, streamName } from '@okr/okr-domain';
import type { EventStore } from '../event-store.port';
import type { LoadedAggregate } from '../command-handler';
import type { AggregateSnapshot, SnapshotStore } from './snapshot-store.port';

/** How loads use snapshots (as-of reads, and current loads the fold cache cannot answer). */
export interface SnapshotOptions {
  /** A snapshot is taken every `every` events of a stream (at revisions every-1, 2·every-1, …). */
  every: number;
  /**
   * How long another replica may still open an erased person's data (its key cache's age,
   * `OKR_KEY_CACHE_SECONDS`): no snapshot is taken by a fold that started sooner than this after the
   * tenant's last erasure, since it may hold her data opened.
   */
  keyCacheMaxAgeMs: number;
  /** Told when keeping a snapshot failed (the read itself is answered from the events). */
  onError?: (error: unknown) => void;
}

interface Erasures {
  /** The tenant's erasures so far (the erasure stream's revision, -1 without one). */
  epoch: number;
  /** When the last one happened. */
  lastAt: number;
  /** When this process read them. */
  checkedAt: number;
}

interface Enabled {
  snapshots: SnapshotStore;
  options: SnapshotOptions;
  /** Each tenant's erasures as last read, reused for reads within the key cache's age (see `erasuresOf`). */
  erasures: Map<string, Erasures>;
  /** Streams whose snapshots are being brought up to date after a command (see `snapshotAfterAppend`). */
  refreshing: Map<string, { again: boolean }>;
  /** Snapshots being kept off the requests' path. */
  background: Set<Promise<void>>;
  /** Set when the store closes: nothing more is kept. */
  closed: boolean;
}

const registry = new WeakMap<EventStore, Enabled>();

/** Turns on snapshots for the loads and commands of one store instance (the services do it at start). */
export function enableSnapshots(store: EventStore, snapshots: SnapshotStore, options: SnapshotOptions): void {
  registry.set(store, { snapshots, options, erasures: new Map(), refreshing: new Map(), background: new Set(), closed: false });
}

/** The snapshot store of an event store, when snapshots are on. */
export const snapshotsOf = (store: EventStore): SnapshotStore | undefined => registry.get(store)?.snapshots;

/** The tenant's erasures as the log has them now. */
async function erasureEpoch(store: EventStore, tenantId: string): Promise<Erasures> {
  const checkedAt = Date.now();
  for await (const event of store.readStream(streamName(ERASURE_CATEGORY, tenantId), { direction: 'backwards', maxCount: 1, asStored: true })) {
    return { epoch: event.revision, lastAt: Date.parse(event.metadata.occurredAt), checkedAt };
  }
  return { epoch: -1, lastAt: Number.NEGATIVE_INFINITY, checkedAt };
}

/**
 * The tenant's erasures for a read, asked of the log at most once per key cache age: within that age
 * another replica may open an erased person's data anyway, and the erasure itself drops the tenant's
 * snapshots (what a read would find). Keeping a snapshot never relies on it (see `keep`).
 */
async function erasuresOf(store: EventStore, enabled: Enabled, tenantId: string): Promise<Erasures> {
  const known = enabled.erasures.get(tenantId);
  if (known && Date.now() - known.checkedAt < enabled.options.keyCacheMaxAgeMs) return known;
  return erasuresRead(store, enabled, tenantId);
}

/** The tenant's erasures read from the log now, and remembered. */
async function erasuresRead(store: EventStore, enabled: Enabled, tenantId: string): Promise<Erasures> {
  const read = await erasureEpoch(store, tenantId);
  if (enabled.erasures.size >= MAX_TENANTS_KEPT) enabled.erasures.clear();
  enabled.erasures.set(tenantId, read);
  return read;
}

/** Tenants whose erasures one process remembers (a bound, not a tuning knob). */
const MAX_TENANTS_KEPT = 10_000;

/** Past every instant: the latest snapshot of a stream (`Date`'s largest value). */
const END_OF_TIME = new Date(8.64e15);

/**
 * As-of fold from the nearest snapshot before `until` (undefined when snapshots are off for this store
 * or this decider). It reads the events after the snapshot that may be at or before `until` (the
 * chunks whose earliest event is, then the events no snapshot covers yet), never the rest of the stream.
 * Personal data: a snapshot is used only while the tenant has had no erasure since it was taken; a fold
 * that may hold an erased person's data opened (started within the key cache's age of the last erasure)
 * keeps none; a snapshot kept while an erasure was recorded is dropped at once (the erasure's own
 * `deleteTenant` may have run before it was kept).
 */
export function loadAsOfFromSnapshots<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState' | 'stateVersion'>,
  tenantId: string,
  until: Date,
): Promise<LoadedAggregate<State> | undefined> {
  return foldFromSnapshots(store, streamId, decider, tenantId, until, 'await');
}

/**
 * The stream as it is now, folded from its latest snapshot and the events after it (undefined when
 * snapshots are off for this store or this decider): what a load does when the fold cache has no fold
 * of the stream (after a restart, or once a fold aged out). The same rules as the as-of fold; the
 * snapshots it passes are kept after it answered (see {@link snapshotsSettled}).
 */
export function loadCurrentFromSnapshots<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState' | 'stateVersion'>,
  tenantId: string,
): Promise<LoadedAggregate<State> | undefined> {
  return foldFromSnapshots(store, streamId, decider, tenantId, undefined, 'later');
}

/**
 * After a command appended revisions `after + 1` to `through` of a stream: when they cross a snapshot
 * boundary (a multiple of `every`), the stream's snapshots are brought up to its end after the command
 * has answered, by a fold from the latest snapshot (the events since it: at most `every` plus what the
 * command appended). One such fold per stream at a time; appends meanwhile run it once more after.
 */
export function snapshotAfterAppend<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState' | 'stateVersion'>,
  tenantId: string,
  after: number,
  through: number,
): void {
  const enabled = registry.get(store);
  if (enabled === undefined || decider.stateVersion === undefined || through <= after) return;
  const { every } = enabled.options;
  if (Math.floor((through + 1) / every) === Math.floor((after + 1) / every)) return;
  const running = enabled.refreshing.get(streamId);
  if (running) {
    running.again = true;
    return;
  }
  const task = { again: false };
  enabled.refreshing.set(streamId, task);
  const done = (async () => {
    // Off the command's path: its answer goes out first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    do {
      task.again = false;
      try {
        await foldFromSnapshots(store, streamId, decider, tenantId, undefined, 'await');
      } catch (error) {
        enabled.options.onError?.(error);
      }
    } while (task.again && !enabled.closed);
  })().finally(() => {
    enabled.refreshing.delete(streamId);
    enabled.background.delete(done);
  });
  enabled.background.add(done);
}

/**
 * Resolves once the snapshots being kept after loads and commands of this store are kept (tests,
 * benchmarks, and closing the store wait for it; requests never do).
 */
export async function snapshotsSettled(store: EventStore): Promise<void> {
  const enabled = registry.get(store);
  while (enabled && enabled.background.size > 0) await Promise.all([...enabled.background]);
}

/** Stops keeping snapshots in the background and waits for what is being kept (before closing the store). */
export async function stopSnapshots(store: EventStore): Promise<void> {
  const enabled = registry.get(store);
  if (!enabled) return;
  enabled.closed = true;
  await snapshotsSettled(store);
}

async function foldFromSnapshots<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState' | 'stateVersion'>,
  tenantId: string,
  until: Date | undefined,
  keeping: 'await' | 'later',
): Promise<LoadedAggregate<State> | undefined> {
  const enabled = registry.get(store);
  const shape = decider.stateVersion;
  if (enabled === undefined || enabled.closed || shape === undefined) return undefined;
  const { snapshots, options } = enabled;
  const startedAt = Date.now();
  let erasures = await erasuresOf(store, enabled, tenantId);
  let snapshot = await snapshots.nearest(streamId, shape, until ?? END_OF_TIME);
  if (snapshot && snapshot.tenantId !== tenantId) return { state: decider.initialState(), revision: 'no_stream', importedOnly: true };
  // A snapshot of another erasure count than the one remembered: ask the log before dropping it.
  if (snapshot && snapshot.erasureEpoch !== erasures.epoch) erasures = await erasuresRead(store, enabled, tenantId);
  if (snapshot && snapshot.erasureEpoch !== erasures.epoch) {
    await snapshots.deleteStream(streamId);
    snapshot = undefined;
  }
  const from = snapshot ? snapshot.revision : -1;
  // As of now, every event after the snapshot counts: read them all, from the snapshot on.
  const span = until === undefined ? { through: from, coveredTo: from } : await snapshots.span(streamId, shape, from, until);
  const mayKeep = startedAt - erasures.lastAt > options.keyCacheMaxAgeMs;
  const untilMs = until === undefined ? Number.POSITIVE_INFINITY : until.getTime();
  let state = snapshot ? (snapshot.state as State) : decider.initialState();
  let last: EventEnvelope | undefined = snapshot?.last;
  let importedOnly = snapshot ? snapshot.importedOnly : true;
  let maxOccurredAt = snapshot ? Date.parse(snapshot.maxOccurredAt) : Number.NEGATIVE_INFINITY;
  let chunkMin = Number.POSITIVE_INFINITY;
  let chunkFrom = from + 1;
  // Only a prefix of the stream is a snapshot: once `until` skipped an event, none is taken.
  let expected = from + 1;
  const toKeep: AggregateSnapshot[] = [];
  const fold = (event: EventEnvelope): boolean => {
    if (event.metadata.tenantId !== tenantId) return false;
    const occurredAt = Date.parse(event.metadata.occurredAt);
    const prefix = event.revision === expected;
    expected = prefix ? expected + 1 : Number.NaN;
    if (occurredAt > untilMs) {
      expected = Number.NaN;
      return true;
    }
    state = decider.evolve(state, event as unknown as Evt);
    last = event;
    importedOnly &&= event.metadata.importedAt !== undefined;
    maxOccurredAt = Math.max(maxOccurredAt, occurredAt);
    chunkMin = Math.min(chunkMin, occurredAt);
    if (prefix && mayKeep && (event.revision + 1) % options.every === 0) {
      const at = (ms: number) => new Date(ms).toISOString();
      toKeep.push({ streamId, tenantId, shape, revision: event.revision, maxOccurredAt: at(maxOccurredAt), chunkMinOccurredAt: at(chunkMin), chunkFrom, erasureEpoch: erasures.epoch, importedOnly, last: event, state });
      chunkMin = Number.POSITIVE_INFINITY;
      chunkFrom = event.revision + 1;
    }
    return true;
  };
  // The chunks that may hold events at or before `until`: read whole (at most a few snapshots apart),
  // filtered here, so the store does not walk the rest of the stream to filter it.
  const { through } = span;
  if (through > from) {
    for await (const event of store.readStream(streamId, { fromRevision: from + 1, maxCount: through - from })) {
      if (!fold(event)) return { state: decider.initialState(), revision: 'no_stream', importedOnly: true };
    }
  }
  // Events no snapshot covers yet, filtered by the store.
  const tail = Math.max(through, span.coveredTo) + 1;
  if (tail > expected) expected = Number.NaN;
  for await (const event of store.readStream(streamId, until === undefined ? { fromRevision: tail } : { until, fromRevision: tail })) {
    if (!fold(event)) return { state: decider.initialState(), revision: 'no_stream', importedOnly: true };
  }
  if (toKeep.length > 0) {
    const kept = keep(store, enabled, toKeep, tenantId, erasures.epoch);
    if (keeping === 'await') await kept;
    else {
      const done = kept.finally(() => enabled.background.delete(done));
      enabled.background.add(done);
    }
  }
  const folded = last as EventEnvelope | undefined; // assigned in `fold`, which the compiler does not follow
  return { state, revision: folded ? folded.revision : 'no_stream', ...(folded ? { last: folded } : {}), importedOnly };
}

async function keep(store: EventStore, enabled: Enabled, toKeep: AggregateSnapshot[], tenantId: string, epoch: number): Promise<void> {
  try {
    for (const snapshot of toKeep) await enabled.snapshots.save(snapshot);
    // An erasure recorded meanwhile (or missed by the erasures remembered) may have dropped the
    // tenant's snapshots before these were kept: asked of the log, never remembered.
    if ((await erasuresRead(store, enabled, tenantId)).epoch !== epoch) await enabled.snapshots.deleteTenant(tenantId);
  } catch (error) {
    enabled.options.onError?.(error);
  }
}
