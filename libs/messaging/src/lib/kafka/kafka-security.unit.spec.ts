import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { loadConfig } from '@okr/platform';
import { kafkaConfigOf } from '../nest/messaging.module';
import { kafkaClientOptions } from './kafka-client';
import type { KafkaConfig } from './kafka-config';
import { KafkaOauthTokenError, oauthClientCredentials } from './kafka-security';

const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
const base: KafkaConfig = { brokers: ['k:9093'], clientId: 'goals', idempotent: true };
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nUSER\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n';

describe('kafkajs client options', () => {
  it('have neither ssl nor sasl without security settings', () => {
    const options = kafkaClientOptions(base, logger);
    expect(options).toMatchObject({ brokers: ['k:9093'], clientId: 'goals' });
    expect(options).not.toHaveProperty('ssl');
    expect(options).not.toHaveProperty('sasl');
  });

  it('turn TLS on with the system CAs, or with a CA and a client certificate', () => {
    expect(kafkaClientOptions({ ...base, security: { tls: true } }, logger).ssl).toBe(true);
    expect(kafkaClientOptions({ ...base, security: { tls: { ca: CA, cert: CERT, key: KEY, passphrase: 'pw' } } }, logger).ssl).toEqual({
      ca: [CA],
      cert: CERT,
      key: KEY,
      passphrase: 'pw',
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('pass SASL %s with its user and password', (mechanism) => {
    const options = kafkaClientOptions({ ...base, security: { tls: true, sasl: { mechanism, username: 'okr', password: 'pw' } } }, logger);
    expect(options.sasl).toEqual({ mechanism, username: 'okr', password: 'pw' });
  });

  it('pass an OAUTHBEARER provider of the caller as it is', async () => {
    const provider = async () => ({ value: 'token-1' });
    const options = kafkaClientOptions({ ...base, security: { tls: true, sasl: { mechanism: 'oauthbearer', provider } } }, logger);
    expect(options.sasl).toEqual({ mechanism: 'oauthbearer', oauthBearerProvider: provider });
    expect(() => new Kafka(options)).not.toThrow();
  });

  describe('from the service configuration', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kafka-sec-'));
      writeFileSync(join(dir, 'ca.crt'), CA);
      writeFileSync(join(dir, 'user.crt'), CERT);
      writeFileSync(join(dir, 'user.key'), KEY);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('read the CA, certificate and key files and use SCRAM (Strimzi: TLS listener with scram-sha-512)', () => {
      const config = loadConfig(
        {
          OKR_BUS: 'kafka',
          KAFKA_BROKERS: 'okr-kafka-kafka-bootstrap:9093',
          KAFKA_TLS: 'true',
          KAFKA_TLS_CA_FILE: join(dir, 'ca.crt'),
          KAFKA_TLS_CERT_FILE: join(dir, 'user.crt'),
          KAFKA_TLS_KEY_FILE: join(dir, 'user.key'),
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: 'okr',
          KAFKA_SASL_PASSWORD: 'pw',
        },
        { PORT: 3001 },
      );
      const options = kafkaClientOptions(kafkaConfigOf(config, 'goals'), logger);
      expect(options.ssl).toEqual({ ca: [CA], cert: CERT, key: KEY });
      expect(options.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'okr', password: 'pw' });
    });

    it('use TLS with the system CAs and PLAIN with an API key (Confluent Cloud)', () => {
      const env = { OKR_BUS: 'kafka', KAFKA_BROKERS: 'pkc-1.confluent.cloud:9092', KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'KEY', KAFKA_SASL_PASSWORD: 'SECRET' };
      const options = kafkaClientOptions(kafkaConfigOf(loadConfig(env, { PORT: 3001 }), 'goals'), logger);
      expect(options.ssl).toBe(true);
      expect(options.sasl).toEqual({ mechanism: 'plain', username: 'KEY', password: 'SECRET' });
    });

    it('stay plaintext when nothing is configured', () => {
      const options = kafkaClientOptions(kafkaConfigOf(loadConfig({ OKR_BUS: 'kafka', KAFKA_BROKERS: 'k:9092' }, { PORT: 3001 }), 'goals'), logger);
      expect(options).not.toHaveProperty('ssl');
      expect(options).not.toHaveProperty('sasl');
    });
  });
});

describe('OAUTHBEARER from a token endpoint (client credentials)', () => {
  let server: Server;
  let url: string;
  const requests: { authorization?: string; body: string }[] = [];
  let answer: { status: number; body: object } = { status: 200, body: {} };
  let serial = 0;

  const bodyOf = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => resolve(text));
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        requests.push({ authorization: req.headers.authorization, body });
        serial += 1;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.status === 200 ? { ...answer.body, access_token: `token-${serial}` } : answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    answer = { status: 200, body: { token_type: 'Bearer', expires_in: 3600 } };
  });

  it('asks with client_secret_basic and the scope, once per token lifetime, and again before it expires', async () => {
    let clock = 1_000_000;
    const provider = oauthClientCredentials({ url, clientId: 'okr goals', clientSecret: 's3:cret', scope: 'kafka' }, { now: () => clock });
    const [first, second] = await Promise.all([provider(), provider()]);
    expect(first).toEqual(second);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.authorization).toBe(`Basic ${Buffer.from('okr%20goals:s3%3Acret').toString('base64')}`);
    expect(new URLSearchParams(requests[0]?.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(requests[0]?.body).get('scope')).toBe('kafka');

    clock += 3_000_000;
    expect(await provider()).toEqual(first);
    expect(requests).toHaveLength(1);

    clock += 600_000; // 59 minutes on: inside the minute before expiry
    const renewed = await provider();
    expect(renewed.value).not.toBe(first.value);
    expect(requests).toHaveLength(2);
  });

  it('fails with the endpoint and the client named when the provider refuses, and tries again next time', async () => {
    answer = { status: 401, body: { error: 'invalid_client' } };
    const provider = oauthClientCredentials({ url, clientId: 'okr', clientSecret: 'wrong' });
    await expect(provider()).rejects.toThrow(new KafkaOauthTokenError(`token endpoint ${url} answered 401 for client okr`));
    answer = { status: 200, body: { expires_in: 60 } };
    await expect(provider()).resolves.toEqual({ value: expect.stringMatching(/^token-/) });
  });

  it('is what the service configuration builds for oauthbearer', async () => {
    const config = loadConfig(
      { OKR_BUS: 'kafka', KAFKA_BROKERS: 'k:9093', KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_TOKEN_URL: url, KAFKA_OAUTH_CLIENT_ID: 'c', KAFKA_OAUTH_CLIENT_SECRET: 's',
        KAFKA_OAUTH_EXTENSIONS: 'logicalCluster=lkc-1, identityPoolId=pool-2' },
      { PORT: 3001 },
    );
    const sasl = kafkaClientOptions(kafkaConfigOf(config, 'goals'), logger).sasl;
    expect(sasl?.mechanism).toBe('oauthbearer');
    const token = await (sasl as { oauthBearerProvider: () => Promise<{ value: string }> }).oauthBearerProvider();
    expect(token).toEqual({ value: expect.stringMatching(/^token-/), extensions: { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' } });
    expect(requests).toHaveLength(1);
  });
});
