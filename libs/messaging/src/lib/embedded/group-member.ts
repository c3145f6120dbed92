import type { MessagingLogger } from '../messaging.port';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventStore } from '@okr/event-store';
import { categoryOf, type EventEnvelope } from '@okr/okr-domain';
import { nextTurn } from '@okr/platform';
import { toIntegrationEvent, type IntegrationEvent } from '../integration-event';
import type { ConsumerOptions, EventHandler } from '../messaging.port';
import { GroupLeaseLostError, type BusTables, type Commit } from './bus-tables';

/** pino-compatible. */

export interface GroupMemberSettings {
  store: EventStore;
  bus: BusTables;
  logger: MessagingLogger;
  /** Topic name -> its categories, in the order of `options.topics`. */
  categories: ReadonlyMap<string, readonly string[]>;
  leaseTtlMs: number;
  pollIntervalMs: number;
  /** How long one batch may take; the next batch is sized to fit (0: always `maxBatchSize`). */
  batchBudgetMs: number;
}

type Outcome = { kind: 'handled' } | { kind: 'failed'; error: string; attempts: number } | { kind: 'interrupted' };

/** Resolves after `ms`, or at once when `signal` aborts; true when the full time passed. */
const sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve(!signal.aborted);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Doubling from `initialMs` up to `maxMs`, with equal jitter: somewhere in [d/2, d]. */
const backoffMs = (attempt: number, initialMs: number, maxMs: number): number => {
  const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One started member of a consumer group. It consumes only while it holds the group's lease, so of
 * several members (in one process or many) exactly one moves the group at a time; the others stand
 * by, polling the lease, and take over when it is released or expires.
 *
 * In global log order, in batches of the events ready (up to `maxBatchSize`): with `handleBatch`,
 * the batch in one call and then one checkpoint; otherwise (or when the batch fails) per event:
 * handler with retries -> on final failure a dead letter -> one transaction that checks the lease,
 * writes the dead letter if any, advances the checkpoints and extends the lease. A member killed at
 * any point leaves the checkpoint at the last batch or event it finished, so the next owner
 * redelivers at most what was in flight (consumers are idempotent). Between batches it yields to the
 * event loop and checks its stop signal.
 */
export class GroupMember {
  /** Readable in `bus_leases`: which host and process holds a group. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  readonly done: Promise<void>;
  private readonly halt = new AbortController();
  private readonly handlers: Readonly<Record<string, EventHandler>>;
  private readonly topicOfCategory = new Map<string, string>();
  private readonly maxAttempts: number;
  private readonly maxBatchSize: number;
  /** The size of the next batch: `maxBatchSize`, or fewer when a batch took longer than the budget. */
  private batchSize: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  /** Until when this member may start delivering an event without renewing first. */
  private deliverUntil = 0;

  constructor(
    private readonly settings: GroupMemberSettings,
    private readonly options: ConsumerOptions,
  ) {
    this.handlers = options.handlers;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.batchSize = this.maxBatchSize;
    this.retryInitialMs = options.retry?.initialMs ?? 100;
    this.retryMaxMs = options.retry?.maxMs ?? 5000;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer >= 1');
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) throw new RangeError('maxBatchSize must be an integer >= 1');
    for (const [topic, categories] of settings.categories) {
      for (const category of categories) if (!this.topicOfCategory.has(category)) this.topicOfCategory.set(category, topic);
    }
    // The first lease attempt runs synchronously, so the member started first is the one that consumes.
    this.done = this.run();
  }

  private get group(): string {
    return this.options.group;
  }

  /** Finishes the event in flight (its checkpoint is saved), then releases the lease. */
  async stop(): Promise<void> {
    this.halt.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    const { bus, logger, pollIntervalMs } = this.settings;
    const context = { group: this.group, owner: this.owner };
    try {
      while (!this.halt.signal.aborted) {
        const tenure = new AbortController();
        let renewal: NodeJS.Timeout | undefined;
        try {
          if (!bus.tryAcquire(this.group, this.owner, this.settings.leaseTtlMs)) {
            await sleep(pollIntervalMs, this.halt.signal);
            continue;
          }
          this.deliverUntil = Date.now() + this.settings.leaseTtlMs;
          renewal = this.renewEvery(tenure);
          logger.info(context, 'Consumer group member took the lease and consumes');
          const ended = await this.consume(AbortSignal.any([this.halt.signal, tenure.signal]));
          if (ended === 'log-ended') {
            logger.warn(context, 'The event store subscription ended (store closed?); this member stops');
            return;
          }
          if (tenure.signal.aborted && !this.halt.signal.aborted) throw tenure.signal.reason;
        } catch (error) {
          if (!bus.open) {
            logger.error({ ...context, err: error }, 'The bus connection is closed; this member stops');
            return;
          }
          if (error instanceof GroupLeaseLostError) logger.warn(context, 'Consumer group member lost its lease; standing by');
          else logger.error({ ...context, err: error }, 'Consumer group member failed; retrying from the checkpoint');
          await sleep(pollIntervalMs, this.halt.signal);
        } finally {
          clearInterval(renewal);
        }
      }
    } finally {
      try {
        if (bus.open) bus.release(this.group, this.owner);
      } catch (error) {
        logger.warn({ ...context, err: error }, 'Could not release the lease; it expires by itself');
      }
    }
  }

  /** Renews the lease every third of its life; aborts `tenure` as soon as it is lost. */
  private renewEvery(tenure: AbortController): NodeJS.Timeout {
    const { bus, leaseTtlMs, logger } = this.settings;
    return setInterval(() => {
      try {
        if (!bus.renew(this.group, this.owner, leaseTtlMs)) tenure.abort(new GroupLeaseLostError(this.group, this.owner));
        else this.deliverUntil = Date.now() + leaseTtlMs;
      } catch (error) {
        // Busy for longer than busy_timeout, or the connection is gone: the lease may lapse.
        logger.warn({ group: this.group, owner: this.owner, err: error }, 'Could not renew the lease');
        if (!bus.open || Date.now() >= this.deliverUntil) tenure.abort(new GroupLeaseLostError(this.group, this.owner));
      }
    }, leaseTtlMs / 3);
  }

  /**
   * Catch-up and live tail, in batches: the events the subscription has ready (up to the batch size
   * fitted to `batchBudgetMs`, at most `maxBatchSize`) wait for this process's next turn (one batch
   * per event-loop turn, see `event-loop-turns.ts`), are delivered together, then the checkpoint moves once.
   * Without the turn, a catch-up of a long log runs entirely in microtasks (the SQLite reads are
   * synchronous) and starves the HTTP server and the SIGTERM handler until it reaches the head.
   */
  private async consume(signal: AbortSignal): Promise<'aborted' | 'log-ended'> {
    const { store } = this.settings;
    const topics = [...this.settings.categories.keys()];
    const saved = this.settings.bus.checkpoints(this.group);
    const checkpoint = new Map(topics.map((topic) => [topic, saved.get(topic) ?? -1]));
    const after = Math.min(...checkpoint.values());
    const categories = [...this.topicOfCategory.keys()];
    const events = store.subscribe({ after, categories, signal })[Symbol.asyncIterator]();
    let pending = events.next();
    try {
      for (;;) {
        const first = await pending;
        if (first.done) break;
        pending = events.next();
        const batch: EventEnvelope[] = [first.value];
        let ended = false;
        // What the subscription yields before the next macrotask is ready now (a page read from the
        // file); waiting longer would hold a live event back.
        const tick = new Promise<'later'>((resolve) => setImmediate(resolve, 'later'));
        while (batch.length < this.batchSize && !signal.aborted) {
          const next = await Promise.race([pending, tick]);
          if (next === 'later') break;
          if (next.done) {
            ended = true;
            break;
          }
          batch.push(next.value);
          pending = events.next();
        }
        // Our turn among every member in this process (one batch per event-loop turn, see nextTurn).
        await nextTurn();
        if (signal.aborted) return 'aborted';
        const due = batch.filter((envelope) => {
          const topic = this.topicOfCategory.get(categoryOf(envelope.streamId));
          // A topic may be ahead of the merged log (its checkpoint was reset forward, or another start had fewer topics).
          return topic !== undefined && envelope.position > (checkpoint.get(topic) ?? -1);
        });
        if (due.length > 0 && (await this.deliverBatch(due, topics, signal)) === 'aborted') return 'aborted';
        if (ended) break;
        if (signal.aborted) return 'aborted';
      }
      return signal.aborted ? 'aborted' : 'log-ended';
    } finally {
      // Ends the subscription (its pending read resolves on the aborted signal or the next commit).
      void events.return?.(undefined);
    }
  }

  /**
   * One batch: `handleBatch` when the group has one, then ONE checkpoint at the batch's last
   * position; without it (or when the batch fails) each event through its handler with retries and
   * a dead letter, checkpointed one by one as before.
   */
  private async deliverBatch(batch: readonly EventEnvelope[], topics: string[], signal: AbortSignal): Promise<'done' | 'aborted'> {
    const { bus, leaseTtlMs } = this.settings;
    const handleBatch = this.options.handleBatch;
    if (handleBatch) {
      this.assertLeaseHeld();
      const handled = batch.filter((envelope) => Object.hasOwn(this.handlers, envelope.type)).map(toIntegrationEvent);
      try {
        const started = performance.now();
        if (handled.length > 0) await handleBatch(handled);
        this.fitBatchSize(batch.length, performance.now() - started);
        bus.commit({ group: this.group, owner: this.owner, topics, position: batch[batch.length - 1].position, leaseTtlMs });
        this.deliverUntil = Date.now() + leaseTtlMs;
        return 'done';
      } catch (error) {
        this.settings.logger.warn(
          { group: this.group, events: batch.length, error: messageOf(error) },
          'Batch failed; delivering its events one at a time',
        );
      }
    }
    for (const envelope of batch) {
      if (signal.aborted) return 'aborted';
      this.assertLeaseHeld();
      const outcome = await this.deliver(envelope, signal);
      if (outcome.kind === 'interrupted') return 'aborted';
      const commit: Commit = { group: this.group, owner: this.owner, topics, position: envelope.position, leaseTtlMs };
      if (outcome.kind === 'failed') {
        const topic = this.topicOfCategory.get(categoryOf(envelope.streamId)) ?? '';
        commit.deadLetter = { topic, event: toIntegrationEvent(envelope), error: outcome.error, attempts: outcome.attempts };
        this.settings.logger.error(
          { group: this.group, topic, eventId: envelope.id, type: envelope.type, attempts: outcome.attempts, error: outcome.error },
          'Event dead-lettered after its last attempt',
        );
      }
      bus.commit(commit);
      if (commit.deadLetter) this.options.onDeadLetter?.({ group: this.group, topic: commit.deadLetter.topic, type: envelope.type });
      this.deliverUntil = Date.now() + leaseTtlMs;
    }
    return 'done';
  }

  /**
   * Sizes the next batch so that it takes about `batchBudgetMs` at the last batch's time per event:
   * smaller after a slow batch, up to twice as large after a full fast one, within 1..maxBatchSize.
   */
  private fitBatchSize(size: number, elapsedMs: number): void {
    const budget = this.settings.batchBudgetMs;
    if (!(budget > 0) || (size < this.batchSize && elapsedMs <= budget)) return;
    const fitted = Math.floor((size * budget) / Math.max(elapsedMs, 0.01));
    this.batchSize = Math.max(1, Math.min(this.maxBatchSize, this.batchSize * 2, fitted));
  }

  /** Before each delivery: a member whose lease may have lapsed (a long stall) renews or stops. */
  private assertLeaseHeld(): void {
    const { bus, leaseTtlMs } = this.settings;
    if (!bus.open) throw new GroupLeaseLostError(this.group, this.owner);
    if (Date.now() < this.deliverUntil - leaseTtlMs / 3) return;
    if (!bus.renew(this.group, this.owner, leaseTtlMs)) throw new GroupLeaseLostError(this.group, this.owner);
    this.deliverUntil = Date.now() + leaseTtlMs;
  }

  /**
   * Calls the handler, retrying with backoff. Stopping (or losing the lease) lets the attempt in
   * flight finish but starts no other: a failed event is then left for the next owner, not
   * dead-lettered early.
   */
  private async deliver(envelope: EventEnvelope, signal: AbortSignal): Promise<Outcome> {
    // Own properties only: an event type named `constructor` must not find Object.prototype's.
    const handler = Object.hasOwn(this.handlers, envelope.type) ? this.handlers[envelope.type] : undefined;
    if (!handler) return { kind: 'handled' };
    const event: IntegrationEvent = toIntegrationEvent(envelope);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await handler(event);
        return { kind: 'handled' };
      } catch (error) {
        if (attempt >= this.maxAttempts) return { kind: 'failed', error: messageOf(error), attempts: attempt };
        if (signal.aborted) return { kind: 'interrupted' };
        const delayMs = backoffMs(attempt, this.retryInitialMs, this.retryMaxMs);
        this.settings.logger.warn(
          { group: this.group, eventId: event.id, type: event.type, attempt, delayMs: Math.round(delayMs), error: messageOf(error) },
          'Handler failed; retrying',
        );
        if (!(await sleep(delayMs, signal))) return { kind: 'interrupted' };
      }
    }
  }
}
