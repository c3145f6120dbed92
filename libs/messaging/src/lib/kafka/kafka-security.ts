import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig as KafkaJsConfig, SASLOptions } from 'kafkajs';
import type { KafkaSaslConfig, KafkaSecurity, KafkaTlsConfig, OauthBearerToken, OauthTokenEndpoint } from './kafka-config';

/** A token is fetched again this long before it expires, so a reconnect never presents a dead one. */
const REFRESH_MARGIN_MS = 60_000;
/** Lifetime assumed when the token endpoint does not say (`expires_in` is only RECOMMENDED). */
const DEFAULT_LIFETIME_S = 300;

type Fetch = typeof fetch;

/** The token endpoint answered without a usable access token. */
export class KafkaOauthTokenError extends Error {
  constructor(message: string) {
    super(`KafkaOauthTokenError: ${message}`);
    this.name = 'KafkaOauthTokenError';
  }
}

/**
 * An OAUTHBEARER token provider for kafkajs from the client-credentials grant: one request per token
 * lifetime (kafkajs asks on every broker connection), concurrent asks share the request in flight.
 * The client authenticates with HTTP Basic (`client_secret_basic`, which every provider must accept).
 */
export function oauthClientCredentials(
  endpoint: OauthTokenEndpoint,
  options: { fetch?: Fetch; now?: () => number } = {},
): () => Promise<OauthBearerToken> {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let cached: { value: string; refreshAt: number } | undefined;
  let inFlight: Promise<OauthBearerToken> | undefined;

  const request = async (): Promise<OauthBearerToken> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (endpoint.scope) body.set('scope', endpoint.scope);
    const basic = Buffer.from(`${encodeURIComponent(endpoint.clientId)}:${encodeURIComponent(endpoint.clientSecret)}`).toString('base64');
    const response = await fetchImpl(endpoint.url, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
    if (!response.ok) throw new KafkaOauthTokenError(`token endpoint ${endpoint.url} answered ${response.status} for client ${endpoint.clientId}`);
    const answer = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new KafkaOauthTokenError(`token endpoint ${endpoint.url} answered without access_token`);
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_LIFETIME_S) * 1000;
    cached = { value: answer.access_token, refreshAt: now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return token(answer.access_token);
  };
  const token = (value: string): OauthBearerToken => (endpoint.extensions ? { value, extensions: endpoint.extensions } : { value });

  return async () => {
    if (cached && now() < cached.refreshAt) return token(cached.value);
    inFlight ??= request().finally(() => (inFlight = undefined));
    return inFlight;
  };
}

const tlsOptions = (tls: boolean | KafkaTlsConfig | undefined): KafkaJsConfig['ssl'] => {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return true;
  const options: ConnectionOptions = {};
  if (tls.ca !== undefined) options.ca = [tls.ca];
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
  return Object.keys(options).length === 0 ? true : options;
};

const saslOptions = (sasl: KafkaSaslConfig): SASLOptions => {
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
    case 'oauthbearer':
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: 'provider' in sasl ? sasl.provider : oauthClientCredentials(sasl.tokenEndpoint),
      };
  }
};

/** The `ssl` and `sasl` options of a kafkajs client for `security` (none of them when it is unset). */
export function kafkaSecurityOptions(security: KafkaSecurity | undefined): Pick<KafkaJsConfig, 'ssl' | 'sasl'> {
  const ssl = tlsOptions(security?.tls);
  return {
    ...(ssl === undefined ? {} : { ssl }),
    ...(security?.sasl === undefined ? {} : { sasl: saslOptions(security.sasl) }),
  };
}
