export type { MessagingLogger } from '../messaging.port';

/** Connection and tuning of the Kafka adapter. */
export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /**
   * Idempotent producer (`KAFKA_IDEMPOTENT`, default true). librdkafka's mock cluster cannot serve it
   * ("Broker 0 not found in the cached metadata"), so tests against the mock turn it off.
   */
  idempotent: boolean;
  /** Consumer session timeout in ms (kafkajs default 30 000); tests use 6 000 for fast rebalances. */
  sessionTimeout?: number;
  /** Consumer heartbeat interval in ms (kafkajs default 3 000); tests use 500. */
  heartbeatInterval?: number;
  /** Longest a fetch waits for data in ms (kafkajs default 5 000); tests use 500. */
  maxWaitTimeInMs?: number;
  /** kafkajs messages at or above this level reach the logger (default `info`). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Partitions handled at the same time by one member; each partition stays sequential (default 4). */
  partitionsConsumedConcurrently?: number;
  /**
   * Handled events per offset commit (default 1: commit after every event). A larger value trades a
   * longer redelivery window after a crash for fewer commit round trips.
   */
  commitThreshold?: number;
}
