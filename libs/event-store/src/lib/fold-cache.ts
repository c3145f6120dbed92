import type { EventEnvelope } from '@okr/okr-domain';
import type { EventStore } from './event-store.port';

/** How many folded streams a process keeps, and for how long one is trusted before it is folded again. */
export interface FoldCacheOptions {
  /** Streams kept; the least recently used goes first. 0 turns the cache off. */
  maxEntries: number;
  /**
   * How long a folded state may be reused before the stream is folded from its start again. Streams
   * only grow, so a reused fold is never wrong; the bound is for what leaves the event log on purpose
   * (a person's erased data is forgotten by every replica within it).
   */
  maxAgeMs: number;
}

/** A stream folded up to `revision` by one decider's `evolve`, for the tenant that owns it. */
export interface FoldedStream<State> {
  evolve: unknown;
  tenantId: string;
  state: State;
  revision: number;
  last: EventEnvelope;
  importedOnly: boolean;
  foldedAt: number;
}

/**
 * Folded aggregate state by stream, so that loading a long stream reads and folds only the events
 * appended since it was last folded (a 10,000-event objective costs about what a small one does).
 * States are reused as they are: `evolve` functions return new states and never change the one they
 * are given (the domain's deciders are pure).
 */
export class FoldCache {
  private readonly entries = new Map<string, FoldedStream<unknown>>();

  constructor(
    readonly options: FoldCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The fold of `streamId` by `evolve`, if one is kept and still fresh. */
  get<State>(streamId: string, evolve: unknown): FoldedStream<State> | undefined {
    const entry = this.entries.get(streamId);
    if (!entry) return undefined;
    if (entry.evolve !== evolve || this.now() - entry.foldedAt > this.options.maxAgeMs) {
      if (entry.evolve === evolve) this.entries.delete(streamId);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry as FoldedStream<State>;
  }

  /**
   * Keeps a fold unless a later one of the same stream is already kept (concurrent loads). `foldedAt`
   * is when its oldest events were folded: a fold extended by new events keeps its age.
   */
  set<State>(streamId: string, folded: Omit<FoldedStream<State>, 'foldedAt'>, foldedAt?: number): void {
    if (this.options.maxEntries <= 0) return;
    const kept = this.entries.get(streamId);
    if (kept && kept.evolve === folded.evolve && kept.revision > folded.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { ...folded, foldedAt: foldedAt ?? this.now() });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Every fold kept, by stream, least recently used first. */
  folds(): IterableIterator<[string, FoldedStream<unknown>]> {
    return this.entries.entries();
  }

  /** Forgets every fold (e.g. after a person's data was erased on this replica). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const caches = new WeakMap<EventStore, FoldCache>();

/** Turns on the fold cache of one store instance (the services do it from configuration at start). */
export function enableFoldCache(store: EventStore, options: FoldCacheOptions): FoldCache | undefined {
  if (options.maxEntries <= 0) {
    caches.delete(store);
    return undefined;
  }
  const cache = new FoldCache(options);
  caches.set(store, cache);
  return cache;
}

/** The fold cache of a store, when it has one. */
export const foldCacheOf = (store: EventStore): FoldCache | undefined => caches.get(store);
