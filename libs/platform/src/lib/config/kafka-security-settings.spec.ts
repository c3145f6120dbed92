import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const DEFAULTS = { PORT: 3001 };
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

let dir: string;
let caFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, PEM_CERT);
  writeFileSync(join(dir, 'user.crt'), PEM_CERT);
  writeFileSync(join(dir, 'user.key'), PEM_KEY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig({ OKR_BUS: 'kafka', KAFKA_BROKERS: 'k:9093', ...env }, DEFAULTS);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Kafka TLS and SASL settings', () => {
  it('default to plaintext without SASL', () => {
    const config = loadConfig({ OKR_BUS: 'kafka', KAFKA_BROKERS: 'k:9092' }, DEFAULTS);
    expect(config.KAFKA_TLS).toBe(false);
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('accept TLS with CA, client certificate and key files, and SCRAM', () => {
    const config = loadConfig(
      {
        OKR_BUS: 'kafka',
        KAFKA_BROKERS: 'k:9093',
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: caFile,
        KAFKA_TLS_CERT_FILE: join(dir, 'user.crt'),
        KAFKA_TLS_KEY_FILE: join(dir, 'user.key'),
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'okr',
        KAFKA_SASL_PASSWORD: 's3cret',
      },
      DEFAULTS,
    );
    expect(config).toMatchObject({ KAFKA_TLS: true, KAFKA_TLS_CA_FILE: caFile, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
  });

  it('accept inline PEM with \\n escapes, as a one-line Secret value carries it', () => {
    const config = loadConfig(
      { KAFKA_TLS: 'true', KAFKA_TLS_CA: PEM_CERT.replace(/\n/g, '\\n') },
      DEFAULTS,
    );
    expect(config.KAFKA_TLS_CA).toBe(PEM_CERT);
  });

  it('accept SCRAM on a plaintext listener (the password never crosses the wire)', () => {
    expect(() =>
      loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, DEFAULTS),
    ).not.toThrow();
  });

  it.each([
    [{ KAFKA_TLS_CA_FILE: '<ca>' }, 'KAFKA_TLS_CA_FILE is set but KAFKA_TLS is not true'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/no/such/ca.crt' }, 'KAFKA_TLS_CA_FILE names a file that cannot be read (/no/such/ca.crt)'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CA: 'not a pem' }, 'KAFKA_TLS_CA must be PEM text'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CA: PEM_CERT, KAFKA_TLS_CA_FILE: '<ca>' }, 'set KAFKA_TLS_CA_FILE or KAFKA_TLS_CA, not both'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CERT: PEM_CERT }, 'a client certificate needs its key'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_KEY: PEM_KEY }, 'a client key needs its certificate'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_KEY_PASSWORD: 'x' }, 'KAFKA_TLS_KEY_PASSWORD is set without a client key'],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM must be one of: plain, scram-sha-256, scram-sha-512, oauthbearer'],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'sends its secret in clear without TLS: set KAFKA_TLS=true'],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD must be set when KAFKA_SASL_MECHANISM is plain'],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_USERNAME must be set when KAFKA_SASL_MECHANISM is plain'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not plain'],
    [{ KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer' }, 'KAFKA_OAUTH_TOKEN_URL must be set when KAFKA_SASL_MECHANISM=oauthbearer'],
    [
      { KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'https://idp/token', KAFKA_OAUTH_CLIENT_ID: 'c' },
      'KAFKA_OAUTH_CLIENT_SECRET must be set when KAFKA_SASL_MECHANISM=oauthbearer',
    ],
    [{ KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'ftp://x', KAFKA_OAUTH_CLIENT_ID: 'c', KAFKA_OAUTH_CLIENT_SECRET: 's' }, 'KAFKA_OAUTH_TOKEN_URL must be an http(s) URL'],
    [{ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'https://idp/token', KAFKA_OAUTH_CLIENT_ID: 'c', KAFKA_OAUTH_CLIENT_SECRET: 's' }, 'sends its secret in clear without TLS'],
    [{ KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'https://idp/token', KAFKA_OAUTH_CLIENT_ID: 'c', KAFKA_OAUTH_CLIENT_SECRET: 's', KAFKA_OAUTH_EXTENSIONS: 'logicalCluster' }, 'KAFKA_OAUTH_EXTENSIONS must be key=value pairs'],
    [{ KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: 'http://idp.example.com/token', KAFKA_OAUTH_CLIENT_ID: 'c', KAFKA_OAUTH_CLIENT_SECRET: 's' }, 'KAFKA_OAUTH_TOKEN_URL must use https'],
    [{ KAFKA_OAUTH_EXTENSIONS: 'a=b' }, 'KAFKA_OAUTH_EXTENSIONS is set but KAFKA_SASL_MECHANISM is not oauthbearer'],
    [{ KAFKA_OAUTH_CLIENT_ID: 'c' }, 'KAFKA_OAUTH_CLIENT_ID is set but KAFKA_SASL_MECHANISM is not oauthbearer'],
  ])('refuse %j at start, saying why', (env, message) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '<ca>' ? caFile : v]));
    expect(messageOf(resolved)).toContain(message);
  });

  it('never repeat a secret in the message', () => {
    const message = messageOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(message).not.toContain('hunter2');
  });
});
