import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { toIntegrationEvent, type IntegrationEvent } from '../lib/integration-event';
import { fromDeadLetterMessage } from '../lib/kafka/dead-letter';
import type { KafkaConfig, MessagingLogger } from '../lib/kafka/kafka-config';
import { KafkaConsumer } from '../lib/kafka/kafka-consumer';
import { KafkaPublisher } from '../lib/kafka/kafka-publisher';
import type { DeadLetter } from '../lib/messaging.port';
import { deadLetterTopic, TOPICS } from '../lib/topics';
import type { KafkaTestCluster } from './kafka-mock';
import type { MessagingFixture, ProducedEvent } from './messaging.contract';
import { testLogger } from './test-logger';
import { waitFor } from './wait-for';

/**
 * Settings for tests: rebalances in about 5 s instead of 30 (TOOLCHAIN.md: 3 000 ms sessions caused
 * spurious rebalances), and no idempotent producer against the mock, which cannot serve it.
 */
export function testKafkaConfig(cluster: Pick<KafkaTestCluster, 'brokers' | 'external'>, overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  return {
    brokers: cluster.brokers,
    clientId: 'okr-messaging-test',
    idempotent: cluster.external && process.env['KAFKA_IDEMPOTENT'] !== 'false',
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 500,
    logLevel: 'warn',
    ...overrides,
  };
}

/**
 * Reads every dead-letter topic of `TOPICS` from the start in its own group, so `deadLetters` can
 * answer without a group join (seconds) per call.
 */
class DeadLetterCollector {
  private readonly letters: DeadLetter[] = [];
  private readonly next = new Map<string, bigint>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly consumer: Consumer,
  ) {}

  static async start(config: KafkaConfig): Promise<DeadLetterCollector> {
    const kafka = new Kafka({ brokers: config.brokers, clientId: `${config.clientId}-dlq`, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({
      groupId: `test-dead-letters-${randomUUID()}`,
      sessionTimeout: config.sessionTimeout,
      heartbeatInterval: config.heartbeatInterval,
      maxWaitTimeInMs: config.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
    });
    const collector = new DeadLetterCollector(kafka, consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: Object.values(TOPICS).map((topic) => deadLetterTopic(topic.name)), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const letter = fromDeadLetterMessage(message);
        if (letter) collector.letters.push(letter);
        collector.next.set(`${topic}:${partition}`, BigInt(message.offset) + 1n);
      },
    });
    return collector;
  }

  /** Dead letters of `group` from `topic`, once everything written to the dead-letter topic so far was read. */
  async of(group: string, topic: string): Promise<DeadLetter[]> {
    const dlq = deadLetterTopic(topic);
    const admin = this.kafka.admin();
    await admin.connect();
    let offsets;
    try {
      offsets = await admin.fetchTopicOffsets(dlq);
    } finally {
      await admin.disconnect();
    }
    const caughtUp = () =>
      offsets.every(({ partition, low, high }) => BigInt(high) <= BigInt(low) || (this.next.get(`${dlq}:${partition}`) ?? 0n) >= BigInt(high));
    await waitFor(caughtUp, 45_000, () => `the dead-letter reader to reach the end of ${dlq}`);
    return this.letters
      .filter((letter) => letter.group === group && letter.topic === topic)
      .sort((a, b) => a.failedAt.localeCompare(b.failedAt));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/**
 * The Kafka adapter under the messaging contract: the publisher produces, each `newConsumer` is a new
 * client. Revisions and positions are numbered here as the event store would (revision from 0 per
 * stream; positions increasing, from the clock so that they also increase across runs on a shared cluster).
 */
export async function kafkaMessagingFixture(
  cluster: Pick<KafkaTestCluster, 'brokers' | 'external'>,
  logger: MessagingLogger = testLogger(),
): Promise<MessagingFixture> {
  const config = testKafkaConfig(cluster);
  const publisher = new KafkaPublisher(config, logger);
  const deadLetters = await DeadLetterCollector.start(config);
  const revisions = new Map<string, number>();
  let position = Date.now() * 1000;
  let queue: Promise<unknown> = Promise.resolve();

  const toEvent = (produced: ProducedEvent): IntegrationEvent => {
    const revision = revisions.get(produced.streamId) ?? 0;
    revisions.set(produced.streamId, revision + 1);
    position += 1;
    return toIntegrationEvent({
      id: produced.id ?? uuidv7(),
      type: produced.type,
      schemaVersion: 1,
      streamId: produced.streamId,
      revision,
      position,
      data: produced.data as Record<string, unknown>,
      metadata: {
        tenantId: 'tenant-test',
        actor: 'user-test',
        correlationId: randomUUID(),
        causationId: randomUUID(),
        occurredAt: new Date().toISOString(),
        ...produced.metadata,
      },
    });
  };

  return {
    newConsumer: async () => new KafkaConsumer(config, logger),
    // One produce at a time, numbered when it starts: positions then increase along every partition,
    // as they do behind the single relay of a service, even when contract tests run concurrently.
    produce: (topic, events) => {
      const produced = queue.then(() => publisher.publish(topic, events.map(toEvent)));
      queue = produced.catch(() => undefined);
      return produced;
    },
    deadLetters: (group, topic) => deadLetters.of(group, topic),
    cleanup: async () => {
      await Promise.allSettled([publisher.close(), deadLetters.stop()]);
    },
  };
}
