import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEnvelope } from '@okr/okr-domain';
import type { EventStore, ExpectedRevision, NewEvent, StreamAppend } from './event-store.port';
import { WrongExpectedRevisionError } from './event-store.port';
import { FoldCache, foldCacheOf } from './fold-cache';
import { schemaVersionToStore } from './read-path';

/** A point in a batch to roll back to (see {@link AppendBatch.mark}). */
export interface AppendBatchMark {
  readonly appends: number;
  readonly tasks: number;
}

interface Part {
  /** Where the stream must be in the store when the batch commits. */
  expected: ExpectedRevision;
  events: NewEvent[];
  envelopes: EventEnvelope[];
}

/**
 * Appends held back by one unit of work (an import request), committed together in one transaction
 * (`EventStore.appendMany`): one durable commit for many commands instead of one each, and nothing
 * written when the process dies before the commit. The commands run as usual (`handleCommand`, inside
 * {@link runInAppendBatch}): they read the store and what the batch already holds, and their appends
 * are checked against that and kept here. `mark` / `rollbackTo` drop what a failed command appended,
 * so the batch commits exactly the commands that succeeded before it.
 *
 * Only `handleCommand` and `loadAggregate` see the held events: a read elsewhere sees the store.
 */
export class AppendBatch {
  private readonly parts = new Map<string, Part>();
  /** The streams appended to, in order, one entry per append: what `rollbackTo` undoes. */
  private readonly log: { streamId: string; count: number }[] = [];
  private committed = false;
  private readonly afterCommitTasks: { task: () => Promise<void>; key?: object }[] = [];
  /** Folds made inside the batch (they may hold held events, so never the store's own cache). */
  readonly foldCache = new FoldCache({ maxEntries: 100_000, maxAgeMs: Number.POSITIVE_INFINITY });

  constructor(readonly store: EventStore) {}

  /** The events held for a stream, oldest first. */
  held(streamId: string): readonly EventEnvelope[] {
    return this.parts.get(streamId)?.envelopes ?? [];
  }

  /** The streams the batch holds events for, in the order of their first append. */
  streamIds(): string[] {
    return [...this.parts.keys()];
  }

  /** How many events the batch holds. */
  get size(): number {
    let size = 0;
    for (const part of this.parts.values()) size += part.events.length;
    return size;
  }

  /**
   * Holds an append as the store would take it: `expected` is checked against what the batch holds
   * for the stream, or, for the stream's first append in the batch, kept for the commit to check.
   */
  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<{ nextExpectedRevision: number }> {
    if (this.committed) throw new Error('This append batch is committed; start another one');
    if (events.length === 0) throw new RangeError(`Append to ${streamId} has no events`);
    let part = this.parts.get(streamId);
    let head: number;
    if (part) {
      head = part.envelopes[part.envelopes.length - 1]?.revision ?? this.baseHead(part.expected);
      if (expected === 'no_stream' || (typeof expected === 'number' && expected !== head)) {
        throw new WrongExpectedRevisionError(streamId, expected, head);
      }
    } else {
      const stored = expected === 'any' ? await this.storedHead(streamId) : expected;
      part = { expected: stored === 'no_stream' || typeof stored === 'number' ? stored : 'any', events: [], envelopes: [] };
      head = this.baseHead(part.expected);
      this.parts.set(streamId, part);
    }
    for (const event of events) {
      head += 1;
      part.events.push(event);
      part.envelopes.push({ ...event, streamId, revision: head, position: -1, schemaVersion: schemaVersionToStore(event) } as EventEnvelope);
    }
    this.log.push({ streamId, count: events.length });
    return { nextExpectedRevision: head };
  }

  /**
   * Work that must follow the commit, as it follows an append outside a batch (e.g. a view's record of
   * where a new record lives): run after the commit, in order. Dropped by a rollback past it. With a
   * `key`, a task is registered once per key (one write for many commands); registering again after a
   * rollback dropped it registers it anew.
   */
  afterCommit(task: () => Promise<void>, key?: object): void {
    if (key && this.afterCommitTasks.some((each) => each.key === key)) return;
    this.afterCommitTasks.push({ task, ...(key ? { key } : {}) });
  }

  /** A point to come back to with {@link rollbackTo}. */
  mark(): AppendBatchMark {
    return { appends: this.log.length, tasks: this.afterCommitTasks.length };
  }

  /** Drops every append held, and every task registered, since `mark`. */
  rollbackTo(mark: AppendBatchMark): void {
    this.afterCommitTasks.length = Math.min(this.afterCommitTasks.length, mark.tasks);
    if (mark.appends >= this.log.length) return;
    while (this.log.length > mark.appends) {
      const { streamId, count } = this.log.pop() as { streamId: string; count: number };
      const part = this.parts.get(streamId) as Part;
      part.events.splice(part.events.length - count, count);
      part.envelopes.splice(part.envelopes.length - count, count);
      if (part.events.length === 0) this.parts.delete(streamId);
    }
    // Folds made since may include what was dropped.
    this.foldCache.clear();
  }

  /** Appends everything held in one transaction of the store (nothing when the batch is empty). */
  async commit(): Promise<void> {
    if (this.committed) throw new Error('This append batch is already committed');
    this.committed = true;
    if (this.parts.size > 0) {
      const appends: StreamAppend[] = [...this.parts].map(([streamId, part]) => ({ streamId, events: part.events, expected: part.expected }));
      await this.store.appendMany(appends);
      // Committed now: the batch's folds are the store's, and spare the next request a re-read.
      const committed = foldCacheOf(this.store);
      if (committed) for (const [streamId, folded] of this.foldCache.folds()) committed.set(streamId, folded, folded.foldedAt);
    }
    for (const { task } of this.afterCommitTasks) await task();
  }

  private baseHead(expected: ExpectedRevision): number {
    return typeof expected === 'number' ? expected : -1;
  }

  private async storedHead(streamId: string): Promise<number | 'no_stream'> {
    for await (const event of this.store.readStream(streamId, { direction: 'backwards', maxCount: 1, asStored: true })) return event.revision;
    return 'no_stream';
  }
}

const active = new AsyncLocalStorage<AppendBatch>();

/** Runs `work` with `batch` holding the appends `handleCommand` makes to the batch's store. */
export function runInAppendBatch<T>(batch: AppendBatch, work: () => Promise<T>): Promise<T> {
  return active.run(batch, work);
}

/** The batch the current unit of work holds appends to `store` in, if any. */
export function appendBatchOf(store: EventStore): AppendBatch | undefined {
  const batch = active.getStore();
  return batch?.store === store ? batch : undefined;
}
