import { Kafka, logLevel, type Admin, type KafkaConfig as KafkaJsConfig, type logCreator } from 'kafkajs';
import type { KafkaConfig, MessagingLogger } from './kafka-config';
import { kafkaSecurityOptions } from './kafka-security';

const LEVELS = { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG } as const;

/** Routes kafkajs' own logging into the service logger instead of its console default. */
const toLogCreator =
  (logger: MessagingLogger): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
    const entry = { kafkajs: namespace, ...fields };
    if (level === logLevel.ERROR) logger.error(entry, message);
    else if (level === logLevel.WARN) logger.warn(entry, message);
    else logger.info(entry, message);
  };

/** The kafkajs client options of `config`: brokers, logging into `logger`, TLS and SASL. */
export const kafkaClientOptions = (config: KafkaConfig, logger: MessagingLogger): KafkaJsConfig => ({
  brokers: config.brokers,
  clientId: config.clientId,
  logLevel: LEVELS[config.logLevel ?? 'info'],
  logCreator: toLogCreator(logger),
  ...kafkaSecurityOptions(config.security),
});

/** One kafkajs client per adapter instance, logging through `logger`. */
export const createKafka = (config: KafkaConfig, logger: MessagingLogger): Kafka => new Kafka(kafkaClientOptions(config, logger));

/** A topic the adapter needs is not there: topics are created by infra, never by a service. */
export class KafkaTopicMissingError extends Error {
  constructor(readonly topic: string) {
    super(`KafkaTopicMissingError: topic ${topic} does not exist; create it with infra (docker compose kafka-init / KafkaTopic)`);
    this.name = 'KafkaTopicMissingError';
  }
}

/**
 * Checks that topics exist before a service produces to or consumes from them. It lists the cluster's
 * topics rather than asking for the topic's metadata, because a metadata request for an unknown
 * topic creates it on brokers with `auto.create.topics.enable` (and always on librdkafka's mock,
 * which speaks Metadata v2, before the "allow auto creation" flag existed).
 */
export class TopicGuard {
  private readonly known = new Set<string>();

  constructor(private readonly admin: Admin) {}

  async assertExist(topics: readonly string[]): Promise<void> {
    const unknown = topics.filter((topic) => !this.known.has(topic));
    if (unknown.length === 0) return;
    const existing = new Set(await this.admin.listTopics());
    for (const topic of unknown) {
      if (!existing.has(topic)) throw new KafkaTopicMissingError(topic);
      this.known.add(topic);
    }
  }
}
