import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { IntegrationEvent } from '../integration-event';
import type { IntegrationEventPublisher } from '../messaging.port';
import { TOPICS } from '../topics';
import { toKafkaMessage } from './cloudevents';
import { createKafka, TopicGuard } from './kafka-client';
import type { KafkaConfig, MessagingLogger } from './kafka-config';

/** Options of {@link KafkaPublisher}. */
export interface KafkaPublisherOptions {
  /** `ce_source` for topics not in `TOPICS` (known topics carry their own source). Default `okr/<clientId>`. */
  source?: string;
  /** Events per produce request; bounds memory and request size for large relay batches (default 1 000). */
  maxBatchSize?: number;
}

/**
 * Publishes integration events with kafkajs: `acks: -1` (every in-sync replica), batches of many
 * events per request, idempotent by default. `publish` resolves once every event is acknowledged.
 */
export class KafkaPublisher implements IntegrationEventPublisher {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly topics: TopicGuard;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly config: KafkaConfig,
    logger: MessagingLogger,
    private readonly options: KafkaPublisherOptions = {},
  ) {
    this.kafka = createKafka(config, logger);
    this.producer = this.kafka.producer({
      idempotent: config.idempotent,
      // kafkajs tracks idempotent sequence numbers only with one request in flight (KIP-98's rule).
      ...(config.idempotent ? { maxInFlightRequests: 1 } : {}),
      // Topics come from infra; a typo must fail, not create a topic with default settings.
      allowAutoTopicCreation: false,
      // The Java-compatible murmur2 partitioner: the same key lands on the same partition as for any
      // other Kafka client (and it silences kafkajs' partitioner-change warning).
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    this.topics = new TopicGuard(this.admin);
  }

  async publish(topic: string, events: readonly IntegrationEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    await this.topics.assertExist([topic]);
    const source = this.sourceOf(topic);
    const size = this.options.maxBatchSize ?? 1000;
    // Chunks go out one after the other, so a key's events keep their order even across chunks.
    for (let start = 0; start < events.length; start += size) {
      const messages = events.slice(start, start + size).map((event) => toKafkaMessage(event, source));
      await this.producer.send({ topic, acks: -1, messages });
    }
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    await this.connected.catch(() => undefined);
    this.connected = undefined;
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.producer.connect(), this.admin.connect()]).then(
      () => undefined,
      (error: unknown) => {
        // Let the next publish try again instead of failing forever on a broker that was down once.
        this.connected = undefined;
        throw error;
      },
    );
    return this.connected;
  }

  private sourceOf(topic: string): string {
    const known = Object.values(TOPICS).find((candidate) => candidate.name === topic);
    return known?.source ?? this.options.source ?? `okr/${this.config.clientId}`;
  }
}
