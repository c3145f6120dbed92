import { SpanKind } from '@opentelemetry/api';
import type { EventStore } from '@okr/event-store';
import type { Tracing } from '@okr/platform';
import type { EventEnvelope } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { toIntegrationEvent } from '../integration-event';
import type { IntegrationEventPublisher, MessagingLogger } from '../messaging.port';
import { LeaseLostError, type RelayStateStore } from './relay-state.port';


export interface RelayOptions {
  /** The relay's name, one per service (`goals`): names its checkpoint and lease. */
  name: string;
  topic: string;
  /** Stream categories the service owns and publishes (`objective`, `cycle`). */
  categories: readonly string[];
  store: EventStore;
  publisher: IntegrationEventPublisher;
  state: RelayStateStore;
  logger: MessagingLogger;
  /** Most events per publish. Default 500. */
  batchSize?: number;
  /** How long a lease lasts without renewal; a standby takes over after it. Default 10 s. */
  leaseTtlMs?: number;
  /** How long to keep collecting events that arrive together into one batch. Default 2 ms. */
  lingerMs?: number;
  /** Each publish shows as a producer span in the trace of every event it carries (see `publish`). */
  tracing?: Pick<Tracing, 'inSpans'>;
}

/** The lag in events is counted up to this many; beyond it the gauge stays here (a scrape must stay cheap). */
export const RELAY_LAG_COUNT_LIMIT = 10_000;

export interface RelayLag {
  /**
   * Events of the relayed categories not yet published, counted (up to {@link RELAY_LAG_COUNT_LIMIT}),
   * never a difference of log positions: those are dense on SQLite but byte offsets on KurrentDB.
   */
  positions: number;
  /** Age of the oldest event not yet published, 0 when caught up. */
  seconds: number;
}

const TICK = Symbol('tick');

/** `promise`'s result, or TICK after `ms` (or on abort); the timer never outlives the race. */
async function within<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T | typeof TICK> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const tick = new Promise<typeof TICK>((resolve) => {
    onAbort = () => resolve(TICK);
    timer = setTimeout(onAbort, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, tick]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Follows the event store from a durable checkpoint and publishes the service's own events, then
 * saves the checkpoint: no dual write in command handlers, nothing lost when the relay dies (it
 * resumes after the last saved position; a re-sent event is harmless because consumers are
 * idempotent). Of several replicas, the one holding the lease publishes; the others stand by.
 */
export class Relay {
  readonly owner = uuidv7();
  private readonly batchSize: number;
  private readonly leaseTtlMs: number;
  private readonly lingerMs: number;
  private stopping = new AbortController();
  private running: Promise<void> | undefined;
  private leader = false;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.leaseTtlMs = options.leaseTtlMs ?? 10_000;
    this.lingerMs = options.lingerMs ?? 2;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    this.running = this.run(this.stopping.signal);
  }

  /** Stops after the batch in flight is published and checkpointed, and hands the lease over. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.running = undefined;
  }

  async lag(): Promise<RelayLag> {
    const checkpoint = await this.options.state.checkpoint(this.options.name);
    let positions = 0;
    let oldest: string | undefined;
    const behind = this.options.store.readAll({ after: checkpoint, categories: this.options.categories, maxCount: RELAY_LAG_COUNT_LIMIT });
    for await (const event of behind) {
      oldest ??= event.metadata.occurredAt;
      positions += 1;
    }
    return { positions, seconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - Date.parse(oldest)) / 1000) };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { name, state, logger } = this.options;
    while (!signal.aborted) {
      try {
        if (!(await state.tryAcquire(name, this.owner, this.leaseTtlMs))) {
          await sleep(this.leaseTtlMs / 3, signal);
          continue;
        }
        this.leader = true;
        logger.info({ relay: name, owner: this.owner }, 'Relay took the lease and publishes');
        await this.lead(signal);
      } catch (error) {
        if (error instanceof LeaseLostError) logger.warn({ relay: name, owner: this.owner }, 'Relay lost its lease');
        else logger.error({ relay: name, err: error }, 'Relay failed; retrying');
        await sleep(error instanceof LeaseLostError ? 0 : 1000, signal);
      } finally {
        this.leader = false;
      }
    }
    await state.release(name, this.owner).catch(() => undefined);
  }

  /** While leader: catch up from the checkpoint, then follow live appends, batch by batch. */
  private async lead(signal: AbortSignal): Promise<void> {
    const { name, state, store, categories } = this.options;
    const follow = new AbortController();
    const stop = () => follow.abort();
    signal.addEventListener('abort', stop, { once: true });
    const checkpoint = await state.checkpoint(name);
    const events = store.subscribe({ after: checkpoint, categories, signal: follow.signal })[Symbol.asyncIterator]();
    const renewEvery = this.leaseTtlMs / 3;
    let renewedAt = Date.now();
    let pending = events.next();
    try {
      for (;;) {
        const first = await within(pending, renewEvery, signal);
        if (signal.aborted && first === TICK) return;
        if (Date.now() - renewedAt >= renewEvery) {
          if (!(await state.tryAcquire(name, this.owner, this.leaseTtlMs))) throw new LeaseLostError(name, this.owner);
          renewedAt = Date.now();
        }
        if (first === TICK) continue;
        if (first.done) return;
        const batch: EventEnvelope[] = [first.value];
        pending = events.next();
        while (batch.length < this.batchSize) {
          const more = await within(pending, this.lingerMs, follow.signal);
          if (more === TICK || more.done) break;
          batch.push(more.value);
          pending = events.next();
        }
        await this.publish(batch);
        if (signal.aborted) return;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      follow.abort();
      await events.return?.();
    }
  }

  /**
   * Publishes a batch, then saves the checkpoint. The publish is a producer span in each traced
   * event's trace; the events keep their own `traceparent` (the stored metadata, hashed into the
   * chain, is never rewritten), so consumers continue from the request, beside the relay's span.
   */
  private async publish(batch: EventEnvelope[]): Promise<void> {
    const { name, topic, publisher, state, tracing } = this.options;
    const events = batch.map(toIntegrationEvent);
    const send = () => publisher.publish(topic, events);
    if (tracing) {
      const spans = events
        .filter((event) => event.metadata.traceparent)
        .map((event) => ({
          traceparent: event.metadata.traceparent,
          name: `publish ${topic}`,
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            'messaging.message.id': event.id,
            'messaging.batch.message_count': events.length,
            'okr.event.type': event.type,
          },
        }));
      await tracing.inSpans(spans, send);
    } else {
      await send();
    }
    const last = batch[batch.length - 1].position;
    await state.saveCheckpoint(name, this.owner, last);
  }
}
