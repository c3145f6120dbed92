import { accessSync, constants } from 'node:fs';
import { Expose, Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsUrl, Matches, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

const PASSWORD_MECHANISMS: readonly string[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

/** Inline PEM may come from an env var with `\n` escapes (a one-line Secret value): turn them into newlines. */
const toPem = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.replace(/\\n/g, '\n') : value);

/** `a=1,b=2` -> `{a: '1', b: '2'}`; anything else stays a string for the validator to name. RFC 7628: keys are letters, `auth` is reserved. */
const toExtensions = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const pairs = value.split(',').map((pair) => pair.trim().split('='));
  const valid = pairs.every((p) => p.length === 2 && /^[A-Za-z]+$/.test(p[0] ?? '') && p[0] !== 'auth' && (p[1] ?? '') !== '');
  return valid ? Object.fromEntries(pairs) : value;
};

/** No plain http but to this machine (a local token helper, a test's fake provider); other shapes are IsUrl's to name. */
const isHttpsOrLoopback = (value: unknown): boolean => {
  if (typeof value !== 'string' || !URL.canParse(value)) return true;
  const url = new URL(value);
  return url.protocol !== 'http:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
};

type Settings = KafkaSecuritySettings & { OKR_BUS?: string };
const settingsOf = (args: ValidationArguments): Settings => args.object as Settings;
const isSet = (value: unknown): boolean => value !== undefined;

/** A rule between settings: `check(settings)` must hold, else `message`. */
const Requires = (name: string, check: (s: Settings) => boolean, message: string) =>
  ValidateBy({ name, validator: { validate: (_value: unknown, args) => check(settingsOf(args as ValidationArguments)) } }, { message });

const readable = (path: unknown): boolean => {
  if (typeof path !== 'string') return false;
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};
const ReadableFile = (name: string) =>
  ValidateBy(
    { name: 'isReadableFile', validator: { validate: readable } },
    { message: (args) => `${name} names a file that cannot be read (${String(args.value)})` },
  );
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const pemMessage = (name: string) => ({ message: `${name} must be PEM text (-----BEGIN ...-----); use ${name}_FILE for a path` });
const notBoth = (name: string) => `set ${name}_FILE or ${name}, not both`;
const hasKey = (s: Settings): boolean => isSet(s.KAFKA_TLS_KEY_FILE) || isSet(s.KAFKA_TLS_KEY);
const hasCert = (s: Settings): boolean => isSet(s.KAFKA_TLS_CERT_FILE) || isSet(s.KAFKA_TLS_CERT);
const CERT_NEEDS_KEY = 'a client certificate needs its key: set KAFKA_TLS_KEY_FILE (or KAFKA_TLS_KEY) too';
const KEY_NEEDS_CERT = 'a client key needs its certificate: set KAFKA_TLS_CERT_FILE (or KAFKA_TLS_CERT) too';
const needsTls = (name: string) => `${name} is set but KAFKA_TLS is not true: set KAFKA_TLS=true (it would be ignored otherwise)`;

/**
 * How the services reach a secured Kafka: TLS (the cluster's CA, a client certificate and key, each from
 * a file or inline PEM) and SASL (PLAIN, SCRAM-SHA-256/512, or OAUTHBEARER with the client-credentials
 * grant of a token endpoint). Combinations that cannot work, or that would send a secret in clear, are
 * refused at start. {@link PlatformConfig} extends this class.
 */
export class KafkaSecuritySettings {
  /** TLS to the brokers. Without a CA, the system's trusted CAs verify them (MSK, Confluent Cloud). */
  @Expose() @Transform(toBoolean) @IsBoolean({ message: 'KAFKA_TLS must be true or false' }) KAFKA_TLS = false;

  /** The brokers' CA certificate (PEM file); Strimzi's `<cluster>-cluster-ca-cert` Secret, key `ca.crt`. */
  @Expose()
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_CA_FILE))
  @Requires('tlsForCa', (s) => s.KAFKA_TLS === true, needsTls('KAFKA_TLS_CA_FILE'))
  @Requires('oneCa', (s) => !isSet(s.KAFKA_TLS_CA), notBoth('KAFKA_TLS_CA'))
  @ReadableFile('KAFKA_TLS_CA_FILE')
  KAFKA_TLS_CA_FILE?: string;

  /** The brokers' CA certificate as PEM text (`\n` escapes allowed). */
  @Expose()
  @Transform(toPem)
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_CA))
  @Requires('tlsForCaText', (s) => s.KAFKA_TLS === true, needsTls('KAFKA_TLS_CA'))
  @Matches(PEM, pemMessage('KAFKA_TLS_CA'))
  KAFKA_TLS_CA?: string;

  /** Client certificate (PEM file) for mutual TLS; needs a key. Strimzi's KafkaUser Secret, key `user.crt`. */
  @Expose()
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_CERT_FILE))
  @Requires('tlsForCert', (s) => s.KAFKA_TLS === true, needsTls('KAFKA_TLS_CERT_FILE'))
  @Requires('oneCert', (s) => !isSet(s.KAFKA_TLS_CERT), notBoth('KAFKA_TLS_CERT'))
  @Requires('keyForCertFile', hasKey, CERT_NEEDS_KEY)
  @ReadableFile('KAFKA_TLS_CERT_FILE')
  KAFKA_TLS_CERT_FILE?: string;

  @Expose()
  @Transform(toPem)
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_CERT))
  @Requires('tlsForCertText', (s) => s.KAFKA_TLS === true, needsTls('KAFKA_TLS_CERT'))
  @Requires('keyForCert', hasKey, CERT_NEEDS_KEY)
  @Matches(PEM, pemMessage('KAFKA_TLS_CERT'))
  KAFKA_TLS_CERT?: string;

  /** Client private key (PEM file) for mutual TLS; needs a certificate. Strimzi: key `user.key`. */
  @Expose()
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_KEY_FILE))
  @Requires('oneKey', (s) => !isSet(s.KAFKA_TLS_KEY), notBoth('KAFKA_TLS_KEY'))
  @Requires('certForKeyFile', hasCert, KEY_NEEDS_CERT)
  @ReadableFile('KAFKA_TLS_KEY_FILE')
  KAFKA_TLS_KEY_FILE?: string;

  @Expose()
  @Transform(toPem)
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_KEY))
  @Requires('certForKey', hasCert, KEY_NEEDS_CERT)
  @Matches(PEM, pemMessage('KAFKA_TLS_KEY'))
  KAFKA_TLS_KEY?: string;

  /** The client key's passphrase, when it is encrypted. */
  @Expose()
  @ValidateIf((c: Settings) => isSet(c.KAFKA_TLS_KEY_PASSWORD))
  @Requires('keyForPassword', hasKey, 'KAFKA_TLS_KEY_PASSWORD is set without a client key (KAFKA_TLS_KEY_FILE or KAFKA_TLS_KEY)')
  KAFKA_TLS_KEY_PASSWORD?: string;

  /**
   * SASL mechanism; unset means no SASL. `plain` and `oauthbearer` send their secret as it is, so they
   * need `KAFKA_TLS=true`; SCRAM never sends the password and also runs on a plaintext listener.
   */
  @Expose()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @ValidateIf((c: Settings) => isSet(c.KAFKA_SASL_MECHANISM))
  @IsIn(KAFKA_SASL_MECHANISMS, { message: `KAFKA_SASL_MECHANISM must be one of: ${KAFKA_SASL_MECHANISMS.join(', ')}` })
  @Requires(
    'tlsForClearSecrets',
    (s) => s.KAFKA_TLS === true || !['plain', 'oauthbearer'].includes(s.KAFKA_SASL_MECHANISM ?? ''),
    'KAFKA_SASL_MECHANISM=plain or oauthbearer sends its secret in clear without TLS: set KAFKA_TLS=true',
  )
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  /** SASL user (PLAIN, SCRAM); Confluent Cloud: the API key; Strimzi: the KafkaUser's name. */
  @Expose()
  @ValidateIf((c: Settings) => PASSWORD_MECHANISMS.includes(c.KAFKA_SASL_MECHANISM ?? '') || isSet(c.KAFKA_SASL_USERNAME))
  @IsDefined({ message: 'KAFKA_SASL_USERNAME must be set when KAFKA_SASL_MECHANISM is plain, scram-sha-256 or scram-sha-512' })
  @Requires('passwordMechanismForUser', (s) => PASSWORD_MECHANISMS.includes(s.KAFKA_SASL_MECHANISM ?? ''), 'KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not plain, scram-sha-256 or scram-sha-512')
  KAFKA_SASL_USERNAME?: string;

  /** SASL password (from a Secret); Confluent Cloud: the API secret. */
  @Expose()
  @ValidateIf((c: Settings) => PASSWORD_MECHANISMS.includes(c.KAFKA_SASL_MECHANISM ?? '') || isSet(c.KAFKA_SASL_PASSWORD))
  @IsDefined({ message: 'KAFKA_SASL_PASSWORD must be set when KAFKA_SASL_MECHANISM is plain, scram-sha-256 or scram-sha-512' })
  @Requires('passwordMechanismForPassword', (s) => PASSWORD_MECHANISMS.includes(s.KAFKA_SASL_MECHANISM ?? ''), 'KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not plain, scram-sha-256 or scram-sha-512')
  KAFKA_SASL_PASSWORD?: string;

  /** OAUTHBEARER: the identity provider's token endpoint (client-credentials grant). */
  @Expose()
  @ValidateIf((c: Settings) => c.KAFKA_SASL_MECHANISM === 'oauthbearer' || isSet(c.KAFKA_OAUTH_TOKEN_URL))
  @IsDefined({ message: 'KAFKA_OAUTH_TOKEN_URL must be set when KAFKA_SASL_MECHANISM=oauthbearer' })
  @Requires('oauthForTokenUrl', (s) => s.KAFKA_SASL_MECHANISM === 'oauthbearer', 'KAFKA_OAUTH_TOKEN_URL is set but KAFKA_SASL_MECHANISM is not oauthbearer')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'KAFKA_OAUTH_TOKEN_URL must be an http(s) URL' })
  @ValidateBy(
    { name: 'isHttpsOrLoopback', validator: { validate: isHttpsOrLoopback } },
    { message: 'KAFKA_OAUTH_TOKEN_URL must use https (the client secret crosses it); plain http only to localhost' },
  )
  KAFKA_OAUTH_TOKEN_URL?: string;

  @Expose()
  @ValidateIf((c: Settings) => c.KAFKA_SASL_MECHANISM === 'oauthbearer' || isSet(c.KAFKA_OAUTH_CLIENT_ID))
  @IsDefined({ message: 'KAFKA_OAUTH_CLIENT_ID must be set when KAFKA_SASL_MECHANISM=oauthbearer' })
  @Requires('oauthForClientId', (s) => s.KAFKA_SASL_MECHANISM === 'oauthbearer', 'KAFKA_OAUTH_CLIENT_ID is set but KAFKA_SASL_MECHANISM is not oauthbearer')
  KAFKA_OAUTH_CLIENT_ID?: string;

  /** OAUTHBEARER client secret (from a Secret). */
  @Expose()
  @ValidateIf((c: Settings) => c.KAFKA_SASL_MECHANISM === 'oauthbearer' || isSet(c.KAFKA_OAUTH_CLIENT_SECRET))
  @IsDefined({ message: 'KAFKA_OAUTH_CLIENT_SECRET must be set when KAFKA_SASL_MECHANISM=oauthbearer' })
  @Requires('oauthForClientSecret', (s) => s.KAFKA_SASL_MECHANISM === 'oauthbearer', 'KAFKA_OAUTH_CLIENT_SECRET is set but KAFKA_SASL_MECHANISM is not oauthbearer')
  KAFKA_OAUTH_CLIENT_SECRET?: string;

  /** OAUTHBEARER: space-separated scopes to ask for (optional). */
  @Expose()
  @ValidateIf((c: Settings) => isSet(c.KAFKA_OAUTH_SCOPE))
  @Requires('oauthForScope', (s) => s.KAFKA_SASL_MECHANISM === 'oauthbearer', 'KAFKA_OAUTH_SCOPE is set but KAFKA_SASL_MECHANISM is not oauthbearer')
  KAFKA_OAUTH_SCOPE?: string;

  /**
   * OAUTHBEARER: SASL extensions sent with the token, `key=value` pairs separated by commas; Confluent
   * Cloud needs `logicalCluster=lkc-…,identityPoolId=pool-…`.
   */
  @Expose()
  @Transform(toExtensions)
  @ValidateIf((c: Settings) => isSet(c.KAFKA_OAUTH_EXTENSIONS))
  @Requires('oauthForExtensions', (s) => s.KAFKA_SASL_MECHANISM === 'oauthbearer', 'KAFKA_OAUTH_EXTENSIONS is set but KAFKA_SASL_MECHANISM is not oauthbearer')
  @ValidateBy(
    { name: 'isExtensionList', validator: { validate: (value: unknown) => typeof value === 'object' && value !== null } },
    { message: 'KAFKA_OAUTH_EXTENSIONS must be key=value pairs separated by commas (keys of letters only, no "auth")' },
  )
  KAFKA_OAUTH_EXTENSIONS?: Readonly<Record<string, string>>;
}
