import { readFileSync } from 'node:fs';
import type { PlatformConfig } from '@okr/platform';
import type { KafkaSecurity, KafkaTlsConfig } from '../kafka/kafka-config';

type SecuritySettings = Pick<
  PlatformConfig,
  | 'KAFKA_TLS'
  | 'KAFKA_TLS_CA_FILE'
  | 'KAFKA_TLS_CA'
  | 'KAFKA_TLS_CERT_FILE'
  | 'KAFKA_TLS_CERT'
  | 'KAFKA_TLS_KEY_FILE'
  | 'KAFKA_TLS_KEY'
  | 'KAFKA_TLS_KEY_PASSWORD'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'KAFKA_OAUTH_TOKEN_URL'
  | 'KAFKA_OAUTH_CLIENT_ID'
  | 'KAFKA_OAUTH_CLIENT_SECRET'
  | 'KAFKA_OAUTH_SCOPE'
  | 'KAFKA_OAUTH_EXTENSIONS'
>;

/** A PEM from its file (read now, at start: a rotated Secret reaches the pod on its next start) or inline. */
const pem = (file: string | undefined, inline: string | undefined): string | undefined =>
  file !== undefined ? readFileSync(file, 'utf8') : inline;

const tlsOf = (c: SecuritySettings): boolean | KafkaTlsConfig | undefined => {
  if (!c.KAFKA_TLS) return undefined;
  const tls: KafkaTlsConfig = {};
  const ca = pem(c.KAFKA_TLS_CA_FILE, c.KAFKA_TLS_CA);
  const cert = pem(c.KAFKA_TLS_CERT_FILE, c.KAFKA_TLS_CERT);
  const key = pem(c.KAFKA_TLS_KEY_FILE, c.KAFKA_TLS_KEY);
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (c.KAFKA_TLS_KEY_PASSWORD !== undefined) tls.passphrase = c.KAFKA_TLS_KEY_PASSWORD;
  return Object.keys(tls).length === 0 ? true : tls;
};

/**
 * The Kafka adapter's TLS and SASL from the validated configuration ({@link KafkaSecuritySettings}
 * has already refused every combination that cannot work, so the `?? ''` below never applies).
 */
export function kafkaSecurityOf(c: SecuritySettings): KafkaSecurity | undefined {
  const tls = tlsOf(c);
  const mechanism = c.KAFKA_SASL_MECHANISM;
  const sasl: KafkaSecurity['sasl'] =
    mechanism === undefined
      ? undefined
      : mechanism === 'oauthbearer'
        ? {
            mechanism,
            tokenEndpoint: {
              url: c.KAFKA_OAUTH_TOKEN_URL ?? '',
              clientId: c.KAFKA_OAUTH_CLIENT_ID ?? '',
              clientSecret: c.KAFKA_OAUTH_CLIENT_SECRET ?? '',
              ...(c.KAFKA_OAUTH_SCOPE === undefined ? {} : { scope: c.KAFKA_OAUTH_SCOPE }),
              ...(c.KAFKA_OAUTH_EXTENSIONS === undefined ? {} : { extensions: c.KAFKA_OAUTH_EXTENSIONS }),
            },
          }
        : { mechanism, username: c.KAFKA_SASL_USERNAME ?? '', password: c.KAFKA_SASL_PASSWORD ?? '' };
  if (tls === undefined && sasl === undefined) return undefined;
  return { ...(tls === undefined ? {} : { tls }), ...(sasl === undefined ? {} : { sasl }) };
}
