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
  /** TLS and SASL; unset: plaintext, no authentication. */
  security?: KafkaSecurity;
}

/** TLS to the brokers: PEM contents (not paths). Without `ca`, the system's trusted CAs verify the brokers. */
export interface KafkaTlsConfig {
  ca?: string;
  /** Client certificate and key for mutual TLS: both or neither. */
  cert?: string;
  key?: string;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
}

/** An OAuth 2.0 access token for SASL/OAUTHBEARER. */
export interface OauthBearerToken {
  value: string;
  /** SASL extensions sent with the token (RFC 7628), e.g. Confluent Cloud's `logicalCluster` and `identityPoolId`. */
  extensions?: Readonly<Record<string, string>>;
}

/** SASL authentication: a user and password, or OAUTHBEARER from a token endpoint or a provider of your own. */
export type KafkaSaslConfig =
  | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  | { mechanism: 'oauthbearer'; tokenEndpoint: OauthTokenEndpoint }
  | { mechanism: 'oauthbearer'; provider: () => Promise<OauthBearerToken> };

/** The client-credentials grant (RFC 6749 §4.4) of an identity provider's token endpoint. */
export interface OauthTokenEndpoint {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, when the provider needs them. */
  scope?: string;
  /** SASL extensions sent with every token. */
  extensions?: Readonly<Record<string, string>>;
}

/** How the client reaches a secured cluster (Strimzi, Amazon MSK, Confluent Cloud). */
export interface KafkaSecurity {
  /** `true`: TLS verified by the system's CAs; an object: with this CA and/or client certificate. */
  tls?: boolean | KafkaTlsConfig;
  sasl?: KafkaSaslConfig;
}
