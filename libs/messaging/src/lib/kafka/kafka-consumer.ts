import { Partitioners, type Admin, type EachBatchPayload, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { IntegrationEvent } from '../integration-event';
import type { ConsumerOptions, GroupCleanup, IntegrationEventConsumer, PartitionLag, ResetTarget, RunningConsumer } from '../messaging.port';
import { deadLetterTopic } from '../topics';
import { fromKafkaMessage } from './cloudevents';
import { toDeadLetterMessage } from './dead-letter';
import { createKafka, TopicGuard } from './kafka-client';
import { deleteIdleKafkaGroups, listKafkaGroups } from './kafka-groups';
import type { KafkaConfig, MessagingLogger } from './kafka-config';
import { resetKafkaGroup } from './kafka-reset';

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_MAX_BATCH = 500;
const DEFAULT_RETRY = { initialMs: 200, maxMs: 10_000 };
const KAFKAJS_HEARTBEAT_INTERVAL = 3000;

/** Backoff before attempt `attempt + 1`: doubling from `initialMs`, capped at `maxMs`, half of it random. */
export function backoffMs(attempt: number, retry: ConsumerOptions['retry'] = {}): number {
  const initialMs = retry.initialMs ?? DEFAULT_RETRY.initialMs;
  const maxMs = retry.maxMs ?? DEFAULT_RETRY.maxMs;
  const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  // "Equal jitter": members retrying after the same outage spread out, yet each waits at least half.
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Where one record is being handled, for logs and dead letters. */
interface Place {
  group: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Consumer groups on Kafka through kafkajs (`eachBatch`). Each partition is handled in order, a
 * chunk of records per `handleBatch` call when the group has one (see {@link handleBatch}), else one
 * record at a time; an offset is resolved and committed only after its handler succeeded, was skipped
 * (no handler for the type) or the record went to `<topic>.dlq` after `maxAttempts`. `stop` lets the
 * handler in flight finish, commits, and leaves the group so its partitions move on at once.
 */
export class KafkaConsumer implements IntegrationEventConsumer {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly topics: TopicGuard;
  private readonly members = new Map<RunningConsumer, string>();
  private connected: Promise<void> | undefined;

  constructor(
    private readonly config: KafkaConfig,
    private readonly logger: MessagingLogger,
  ) {
    this.kafka = createKafka(config, logger);
    this.admin = this.kafka.admin();
    // Writes dead letters only.
    this.producer = this.kafka.producer({
      idempotent: config.idempotent,
      ...(config.idempotent ? { maxInFlightRequests: 1 } : {}),
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.topics = new TopicGuard(this.admin);
  }

  async start(options: ConsumerOptions): Promise<RunningConsumer> {
    await this.connect();
    // The dead-letter topic is checked now: finding it missing at the first poison event would stall the partition.
    await this.topics.assertExist([...options.topics, ...options.topics.map(deadLetterTopic)]);
    const consumer = this.kafka.consumer({
      groupId: options.group,
      sessionTimeout: this.config.sessionTimeout,
      heartbeatInterval: this.config.heartbeatInterval,
      maxWaitTimeInMs: this.config.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      this.logger.error({ group: options.group, restart: payload.restart, error: errorText(payload.error) }, 'Kafka consumer crashed'),
    );
    await consumer.connect();
    try {
      // A new group reads each topic from its beginning: a new read model must see all history.
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
      await consumer.run({
        autoCommit: true,
        // With eachBatchAutoResolve off, kafkajs commits only offsets this class resolved.
        autoCommitThreshold: this.config.commitThreshold ?? 1,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently ?? 4,
        eachBatch: (payload) => this.handleBatch(options, payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    let stopped: Promise<void> | undefined;
    const member: RunningConsumer = {
      stop: () => {
        // kafkajs' disconnect waits for the batch in flight, commits what was resolved, then leaves the group.
        stopped ??= consumer.disconnect().finally(() => this.members.delete(member));
        return stopped;
      },
    };
    this.members.set(member, options.group);
    return member;
  }

  async caughtUp(group: string, topics: readonly string[]): Promise<boolean> {
    await this.connect();
    const committed = await this.admin.fetchOffsets({ groupId: group, topics: [...topics] });
    for (const topic of topics) {
      const offsets = new Map(committed.find((entry) => entry.topic === topic)?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      for (const { partition, low, high } of await this.admin.fetchTopicOffsets(topic)) {
        // -1: nothing committed, which is the head only for a partition holding no record.
        const at = offsets.get(partition) ?? -1n;
        if (at < 0n ? BigInt(low) < BigInt(high) : at < BigInt(high)) return false;
      }
    }
    return true;
  }

  async lag(group: string, topics: readonly string[]): Promise<PartitionLag[]> {
    await this.connect();
    const committed = await this.admin.fetchOffsets({ groupId: group, topics: [...topics] });
    const lags: PartitionLag[] = [];
    for (const topic of topics) {
      const offsets = new Map(committed.find((entry) => entry.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]));
      for (const { partition, low, high } of await this.admin.fetchTopicOffsets(topic)) {
        // -1: nothing committed yet, so everything still on the partition is to read.
        const at = offsets.get(partition) ?? -1;
        lags.push({ topic, partition, lag: Math.max(0, Number(high) - (at < 0 ? Number(low) : at)) });
      }
    }
    return lags;
  }

  async reset(group: string, topics: readonly string[], target: ResetTarget): Promise<void> {
    if ([...this.members.values()].includes(group)) throw new Error(`stop consumer group ${group} before resetting it`);
    await this.connect();
    await this.topics.assertExist(topics);
    await resetKafkaGroup(this.kafka, this.admin, this.config, group, topics, target);
    this.logger.info({ group, topics, target }, 'Kafka consumer group reset');
  }

  /** Throws {@link GroupAdminUnsupportedError} on a broker without ListGroups (librdkafka's mock). */
  async listGroups(prefix: string): Promise<string[]> {
    await this.connect();
    return listKafkaGroups(this.admin, prefix);
  }

  /** DescribeGroups, then DeleteGroups of the empty ones (see {@link deleteIdleKafkaGroups}). */
  async deleteIdleGroups(groups: readonly string[]): Promise<GroupCleanup> {
    const ours = new Set(this.members.values());
    const others = groups.filter((group) => !ours.has(group));
    await this.connect();
    const cleanup = await deleteIdleKafkaGroups(this.admin, others);
    cleanup.kept.push(...groups.filter((group) => ours.has(group)).map((group) => ({ group, reason: 'this process consumes in it' })));
    if (cleanup.deleted.length > 0) this.logger.info({ groups: cleanup.deleted }, 'Kafka consumer groups nobody follows deleted');
    return cleanup;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.members.keys()].map((member) => member.stop()));
    if (!this.connected) return;
    await this.connected.catch(() => undefined);
    this.connected = undefined;
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.admin.connect(), this.producer.connect()]).then(
      () => undefined,
      (error: unknown) => {
        this.connected = undefined;
        throw error;
      },
    );
    return this.connected;
  }

  /**
   * A fetched batch of one partition, in chunks of up to `maxBatchSize` records: with
   * `options.handleBatch`, each chunk's events in one call (a read model applies them in one
   * read-store transaction), then its last offset resolved and committed and a heartbeat; a chunk
   * that fails (or holds a record that does not parse) is handled again record by record, with
   * retries and dead letters. Without `handleBatch`, record by record.
   */
  private async handleBatch(options: ConsumerOptions, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    // Stopping or losing the partition in a rebalance ends the batch; unresolved records go to the next owner.
    const owned = () => isRunning() && !isStale();
    const size = options.handleBatch ? (options.maxBatchSize ?? DEFAULT_MAX_BATCH) : 1;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!owned()) return;
      const chunk = batch.messages.slice(start, start + size);
      if (options.handleBatch && (await this.handleChunk(options, batch.topic, batch.partition, chunk, heartbeat))) {
        resolveOffset(chunk[chunk.length - 1].offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
        continue;
      }
      for (const message of chunk) {
        if (!owned()) return;
        const place = { group: options.group, topic: batch.topic, partition: batch.partition, message };
        const settled = await this.handleRecord(options, place, heartbeat, owned);
        if (!settled) return;
        resolveOffset(message.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    }
  }

  /** One chunk through `handleBatch`; false when it must be handled record by record instead. */
  private async handleChunk(
    options: ConsumerOptions,
    topic: string,
    partition: number,
    chunk: readonly KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const handleBatch = options.handleBatch;
    if (!handleBatch) return false;
    const events: IntegrationEvent[] = [];
    for (const message of chunk) {
      let event: IntegrationEvent | undefined;
      try {
        event = fromKafkaMessage(message);
      } catch {
        // A record that does not parse goes to the dead-letter topic on the record-by-record path.
        return false;
      }
      if (event && Object.hasOwn(options.handlers, event.type)) events.push(event);
    }
    if (events.length === 0) return true;
    try {
      await this.whileHeartbeating(heartbeat, () => handleBatch(events));
      return true;
    } catch (error) {
      this.logger.warn(
        { group: options.group, topic, partition, events: events.length, error: errorText(error) },
        'Batch failed; handling its records one at a time',
      );
      return false;
    }
  }

  /** Handles one record; false when it was given up because the member is stopping or lost the partition. */
  private async handleRecord(
    options: ConsumerOptions,
    place: Place,
    heartbeat: () => Promise<void>,
    owned: () => boolean,
  ): Promise<boolean> {
    let event: IntegrationEvent | undefined;
    try {
      event = fromKafkaMessage(place.message);
    } catch (error) {
      // No retry can fix a record that does not parse.
      await this.deadLetter(place, error, 1);
      options.onDeadLetter?.({ group: place.group, topic: place.topic });
      return true;
    }
    // Not a CloudEvent (e.g. the marker that created the topic on the test mock): nothing of ours.
    if (!event) return true;
    const handler = options.handlers[event.type];
    if (!handler) return true;

    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.whileHeartbeating(heartbeat, () => handler(event));
        return true;
      } catch (error) {
        const context = { group: place.group, topic: place.topic, partition: place.partition, offset: place.message.offset };
        const about = { ...context, eventId: event.id, type: event.type, attempt, error: errorText(error) };
        if (attempt >= maxAttempts) {
          this.logger.error(about, 'Event handler kept failing; sending the event to the dead-letter topic');
          await this.deadLetter(place, error, attempt);
          options.onDeadLetter?.({ group: place.group, topic: place.topic, type: event.type });
          return true;
        }
        this.logger.warn(about, 'Event handler failed; retrying');
        if (!(await this.backoff(backoffMs(attempt, options.retry), heartbeat, owned))) return false;
      }
    }
  }

  /** Heartbeats while a slow handler runs, so the group does not evict a member that is just busy. */
  private async whileHeartbeating(heartbeat: () => Promise<void>, work: () => Promise<void>): Promise<void> {
    const timer = setInterval(
      // A failed heartbeat (e.g. a rebalance) surfaces at the next heartbeat after the handler.
      () => heartbeat().catch(() => undefined),
      this.config.heartbeatInterval ?? KAFKAJS_HEARTBEAT_INTERVAL,
    );
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Waits `ms`, heartbeating; false as soon as the member should let go of the record. */
  private async backoff(ms: number, heartbeat: () => Promise<void>, owned: () => boolean): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!owned()) return false;
      await sleep(Math.min(until - Date.now(), 100));
      await heartbeat();
    }
    return owned();
  }

  private async deadLetter(place: Place, error: unknown, attempts: number): Promise<void> {
    const { group, topic, partition, message } = place;
    await this.producer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [toDeadLetterMessage(message, { group, topic, partition, error, attempts })],
    });
  }
}
