import { publishedEvents, type EventStore } from '@okr/event-store';
import type {
  ConsumerOptions,
  DeadLetter,
  GroupCleanup,
  IntegrationEventConsumer,
  PartitionLag,
  ResetTarget,
  RunningConsumer,
} from '../messaging.port';
import { topicByName } from '../topics';
import { BusTables } from './bus-tables';
import type { MessagingLogger } from '../messaging.port';
import { GroupMember } from './group-member';

export interface EmbeddedConsumerOptions {
  /** The event store whose global log the groups follow. */
  store: EventStore;
  /** That store's SQLite file: checkpoints, leases and dead letters live in it too (`bus_*` tables). */
  file: string;
  /** How often a standing-by member tries to take its group's lease. Default 250 ms. */
  pollIntervalMs?: number;
  /**
   * How long a lease lasts without renewal; the holder renews every third of it. A member that dies
   * without releasing is replaced after at most this long. Default 10 s.
   */
  leaseTtlMs?: number;
  /**
   * How long one batch may hold the event loop: a member sizes its next batch (at most
   * `maxBatchSize`) from the time per event of its last one, so a catch-up lets requests in every
   * few tens of milliseconds. Default 20 ms; 0 = batches of `maxBatchSize` whatever they take.
   */
  batchBudgetMs?: number;
  /** How long a write waits for another connection's write lock. Default 5 s. */
  busyTimeoutMs?: number;
  /**
   * `synchronous` of the bus's connection. NORMAL (default): a power cut may roll the newest
   * checkpoints back, which only redelivers events (consumers are idempotent); nothing is lost or
   * corrupted. FULL syncs every checkpoint.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** A topic's stream categories. Default: {@link TOPICS} (`topicByName`). */
  categoriesOf?: (topic: string) => readonly string[];
  logger?: MessagingLogger;
}

const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The embedded adapter of {@link IntegrationEventConsumer}: consumer groups over the event store's own
 * global log, so one machine needs no broker.
 *
 * A topic is a view of the categories its context owns. Each group keeps a durable checkpoint per
 * topic in the store's SQLite file and receives every event of its topics in global log order (so
 * per-aggregate order holds), at least once. Several processes may start the same group: a lease
 * lets one of them consume at a time and the others take over when it stops or dies. Each instance
 * is one client, with its own connection to the file.
 */
export class EmbeddedConsumer implements IntegrationEventConsumer {
  private readonly bus: BusTables;
  private readonly members = new Set<GroupMember>();
  private readonly logger: MessagingLogger;
  private closed = false;

  constructor(private readonly options: EmbeddedConsumerOptions) {
    if (options.file === ':memory:' || options.file === '') throw new Error('EmbeddedConsumer needs the event store\'s file, not a private database');
    this.logger = options.logger ?? silent;
    this.bus = new BusTables(options.file, {
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      synchronous: options.synchronous ?? 'NORMAL',
    });
  }

  /**
   * Joins `options.group`. Resolves at once: the member consumes when it holds the group's lease
   * (at once when no other member does), otherwise it stands by. A group new to the file starts at
   * the beginning of the log.
   */
  async start(options: ConsumerOptions): Promise<RunningConsumer> {
    this.assertOpen();
    if (!options.group) throw new Error('A consumer group needs a name');
    if (options.topics.length === 0) throw new Error(`Consumer group ${options.group} subscribes to no topic`);
    const member = new GroupMember(
      {
        // Sealed: the log as the relay publishes it; otherwise as the (opening) store reads it.
        store: options.sealed ? publishedEvents(this.options.store) : this.options.store,
        bus: this.bus,
        logger: this.logger,
        categories: this.categoriesOf(options.topics),
        leaseTtlMs: this.options.leaseTtlMs ?? 10_000,
        pollIntervalMs: this.options.pollIntervalMs ?? 250,
        batchBudgetMs: this.options.batchBudgetMs ?? 20,
      },
      options,
    );
    this.members.add(member);
    let stopped: Promise<void> | undefined;
    return {
      stop: () => {
        stopped ??= member.stop().finally(() => this.members.delete(member));
        return stopped;
      },
    };
  }

  /**
   * Moves a stopped group's checkpoint for each topic: `start` (-1, everything again), `position`
   * (events after it), `instant` (from the first event of the topic's categories whose
   * `metadata.occurredAt` is at or after it, found by scanning the log). Throws `GroupActiveError`
   * while a member holds a live lease.
   */
  async reset(group: string, topics: readonly string[], target: ResetTarget): Promise<void> {
    this.assertOpen();
    const positions = new Map<string, number>();
    for (const [topic, categories] of this.categoriesOf(topics)) {
      positions.set(topic, await this.resetPosition(categories, target));
    }
    this.bus.reset(group, positions);
    this.logger.info({ group, topics, target }, 'Consumer group reset');
  }

  async caughtUp(group: string, topics: readonly string[]): Promise<boolean> {
    this.assertOpen();
    const checkpoints = this.bus.checkpoints(group);
    for (const [topic, categories] of this.categoriesOf(topics)) {
      const after = checkpoints.get(topic) ?? -1;
      for await (const _ of this.options.store.readAll({ after, categories, maxCount: 1 })) return false;
    }
    return true;
  }

  async listGroups(prefix: string): Promise<string[]> {
    this.assertOpen();
    return this.bus.groups(prefix);
  }

  /** A group is idle when no live process holds its lease (a member standing by holds none, and is kept by its lease-holder). */
  async deleteIdleGroups(groups: readonly string[]): Promise<GroupCleanup> {
    this.assertOpen();
    const cleanup: GroupCleanup = { deleted: [], kept: [] };
    for (const group of groups) {
      const busy = this.bus.deleteIdle(group);
      if (busy === undefined) cleanup.deleted.push(group);
      else cleanup.kept.push({ group, reason: busy });
    }
    if (cleanup.deleted.length > 0) this.logger.info({ groups: cleanup.deleted }, 'Consumer groups nobody follows deleted');
    return cleanup;
  }

  async lag(group: string, topics: readonly string[]): Promise<PartitionLag[]> {
    this.assertOpen();
    const checkpoints = this.bus.checkpoints(group);
    const head = await this.options.store.headPosition();
    const lags: PartitionLag[] = [];
    for (const [topic, categories] of this.categoriesOf(topics)) {
      const after = checkpoints.get(topic) ?? -1;
      let lag = 0;
      // Positions need not be dense: count from just before the first event waiting.
      for await (const next of this.options.store.readAll({ after, categories, maxCount: 1 })) lag = Math.max(0, head - Math.max(after, next.position - 1));
      lags.push({ topic, partition: 0, lag });
    }
    return lags;
  }

  /** Dead letters of a group and topic, oldest first (for tests and operators). */
  async deadLetters(group: string, topic: string): Promise<DeadLetter[]> {
    this.assertOpen();
    return this.bus.deadLetters(group, topic);
  }

  /** The saved checkpoint of a group's topic: the position last finished, -1 for none yet. */
  async checkpoint(group: string, topic: string): Promise<number | undefined> {
    this.assertOpen();
    return this.bus.checkpoints(group).get(topic);
  }

  /** Stops every member this client started (each finishes its event in flight), then closes the connection. The store stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.members].map((member) => member.stop()));
    this.members.clear();
    this.bus.close();
  }

  private categoriesOf(topics: readonly string[]): Map<string, readonly string[]> {
    const resolve = this.options.categoriesOf ?? ((topic: string) => topicByName(topic).categories);
    return new Map([...new Set(topics)].map((topic) => [topic, resolve(topic)]));
  }

  private async resetPosition(categories: readonly string[], target: ResetTarget): Promise<number> {
    switch (target.to) {
      case 'start':
        return -1;
      case 'position':
        if (!Number.isInteger(target.position) || target.position < -1) {
          throw new RangeError(`reset: position must be an integer >= -1, got ${target.position}`);
        }
        return target.position;
      case 'instant': {
        const at = target.at.getTime();
        if (Number.isNaN(at)) throw new RangeError('reset: `at` is an invalid Date');
        // Taken first: anything appended during the scan lies above it and is kept.
        let position = await this.options.store.headPosition();
        for await (const event of this.options.store.readAll({ categories })) {
          if (Date.parse(event.metadata.occurredAt) >= at) return event.position - 1;
          position = Math.max(position, event.position);
        }
        return position;
      }
      default: {
        const never: never = target;
        throw new Error(`Unknown reset target ${JSON.stringify(never)}`);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('EmbeddedConsumer is closed');
  }
}
