import type { Decider, DomainEvent, EventEnvelope } from '@okr/okr-domain';
import { ERASURE_CATEGORY, streamName } from '@okr/okr-domain';
import type { EventStore } from '../event-store.port';
import type { LoadedAggregate } from '../command-handler';
import type { AggregateSnapshot, SnapshotStore } from './snapshot-store.port';

/** How as-of reads use snapshots. */
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

const registry = new WeakMap<EventStore, { snapshots: SnapshotStore; options: SnapshotOptions }>();

/** Turns on snapshots for the as-of reads of one store instance (the services do it at start). */
export function enableSnapshots(store: EventStore, snapshots: SnapshotStore, options: SnapshotOptions): void {
  registry.set(store, { snapshots, options });
}

/** The snapshot store of an event store, when snapshots are on. */
export const snapshotsOf = (store: EventStore): SnapshotStore | undefined => registry.get(store)?.snapshots;

/** The tenant's erasures so far (the erasure stream's revision, -1 without one) and when the last happened. */
async function erasureEpoch(store: EventStore, tenantId: string): Promise<{ epoch: number; lastAt: number }> {
  for await (const event of store.readStream(streamName(ERASURE_CATEGORY, tenantId), { direction: 'backwards', maxCount: 1, asStored: true })) {
    return { epoch: event.revision, lastAt: Date.parse(event.metadata.occurredAt) };
  }
  return { epoch: -1, lastAt: Number.NEGATIVE_INFINITY };
}

/**
 * As-of fold from the nearest snapshot before `until` (undefined when snapshots are off for this store
 * or this decider). Personal data: a snapshot is used only while the tenant has had no erasure since it
 * was taken; a fold that may hold an erased person's data opened (started within the key cache's age of
 * the last erasure) keeps none; a snapshot kept while an erasure was recorded is dropped at once (the
 * erasure's own `deleteTenant` may have run before it was kept).
 */
export async function loadAsOfFromSnapshots<State, Evt extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState' | 'stateVersion'>,
  tenantId: string,
  until: Date,
): Promise<LoadedAggregate<State> | undefined> {
  const entry = registry.get(store);
  const shape = decider.stateVersion;
  if (entry === undefined || shape === undefined) return undefined;
  const { snapshots, options } = entry;
  const startedAt = Date.now();
  const erasures = await erasureEpoch(store, tenantId);
  let snapshot = await snapshots.nearest(streamId, shape, until);
  if (snapshot && snapshot.tenantId !== tenantId) return { state: decider.initialState(), revision: 'no_stream', importedOnly: true };
  if (snapshot && snapshot.erasureEpoch !== erasures.epoch) {
    await snapshots.deleteStream(streamId);
    snapshot = undefined;
  }
  const mayKeep = startedAt - erasures.lastAt > options.keyCacheMaxAgeMs;
  let state = snapshot ? (snapshot.state as State) : decider.initialState();
  let last: EventEnvelope | undefined = snapshot?.last;
  let importedOnly = snapshot ? snapshot.importedOnly : true;
  let maxOccurredAt = snapshot ? Date.parse(snapshot.maxOccurredAt) : Number.NEGATIVE_INFINITY;
  // Only a prefix of the stream is a snapshot: once `until` skipped an event, none is taken.
  let expected = snapshot ? snapshot.revision + 1 : 0;
  const toKeep: AggregateSnapshot[] = [];
  for await (const event of store.readStream(streamId, { until, fromRevision: expected })) {
    if (event.metadata.tenantId !== tenantId) return { state: decider.initialState(), revision: 'no_stream', importedOnly: true };
    state = decider.evolve(state, event as unknown as Evt);
    last = event;
    importedOnly &&= event.metadata.importedAt !== undefined;
    maxOccurredAt = Math.max(maxOccurredAt, Date.parse(event.metadata.occurredAt));
    const prefix = event.revision === expected;
    expected = prefix ? expected + 1 : Number.NaN;
    if (prefix && mayKeep && (event.revision + 1) % options.every === 0) {
      toKeep.push({ streamId, tenantId, shape, revision: event.revision, maxOccurredAt: new Date(maxOccurredAt).toISOString(), erasureEpoch: erasures.epoch, importedOnly, last: event, state });
    }
  }
  if (toKeep.length > 0) await keep(store, snapshots, toKeep, tenantId, erasures.epoch, options);
  return { state, revision: last ? last.revision : 'no_stream', ...(last ? { last } : {}), importedOnly };
}

async function keep(store: EventStore, snapshots: SnapshotStore, toKeep: AggregateSnapshot[], tenantId: string, epoch: number, options: SnapshotOptions): Promise<void> {
  try {
    for (const snapshot of toKeep) await snapshots.save(snapshot);
    // An erasure recorded meanwhile may have dropped the tenant's snapshots before these were kept.
    if ((await erasureEpoch(store, tenantId)).epoch !== epoch) await snapshots.deleteTenant(tenantId);
  } catch (error) {
    options.onError?.(error);
  }
}
