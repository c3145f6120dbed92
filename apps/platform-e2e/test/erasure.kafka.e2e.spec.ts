import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { CheckInsModule } from '@okr/check-ins-app';
import { PersonalDataProtection, SqliteKeyStore } from '@okr/event-store';
import { GoalsModule } from '@okr/goals-app';
import { KafkaConsumer, OpeningConsumer, TOPICS, type IntegrationEvent, type RunningConsumer } from '@okr/messaging';
import { ALL_TOPICS, startKafkaMock, testKafkaConfig, testLogger, type KafkaTestCluster } from '@okr/messaging/testing';
import { ERASED_PERSON } from '@okr/okr-domain';
import { issueEmbeddedToken } from '@okr/platform';
import { caller, eventually, startServiceApp } from '@okr/platform/testing';

const NOTE = 'Dana was on leave';
const BLOCKER = 'Dana needs a new laptop';

/**
 * Goals and check-ins on Kafka (librdkafka's mock), one data folder: a check-in with a note is
 * published to `okr.checkins.v1` before its writer is erased. After the erasure the topic still holds
 * only ciphertext where the personal data was, and a consumer of another service reading the topic
 * from its start sees "erased person" there, with the numbers, dates and confidence as recorded.
 */
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('an erasure reaches what Kafka published before it (e2e, Kafka mock)', () => {
  let cluster: KafkaTestCluster;
  let dataDir: string;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let keyResultId: string;

  beforeAll(async () => {
    cluster = await startKafkaMock({ topics: ALL_TOPICS });
    dataDir = await mkdtemp(join(tmpdir(), 'okr-erasure-kafka-'));
    const env = {
      OKR_BUS: 'kafka',
      KAFKA_BROKERS: cluster.brokers.join(','),
      KAFKA_IDEMPOTENT: 'false',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      KAFKA_MAX_WAIT_MS: '500',
    };
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), dataDir, { env });
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), dataDir, { env });
    const token = (user: string) => issueEmbeddedToken({ dataDir, tenant: 'acme', user, roles: ['admin'], teams: [] });
    const inGoals = caller(goals, await token('alice'));
    const asDana = caller(checkIns, await token('dana'));
    const cycle = await inGoals('POST', '/api/v1/cycles', { body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } });
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Trials convert', ownerId: 'dana' } });
    const kr = await inGoals('POST', `/api/v1/objectives/${objective.body.id}/key-results`, { body: { title: 'Trial to paid', kind: 'increase', start: 10, target: 30, unit: '%' } });
    keyResultId = kr.body.id;
    // Check-ins learns the key result from okr.goals.v1: 503 until it has.
    const checkIn = await eventually(async () => {
      const r = await asDana('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: 18, confidence: 6, note: NOTE, blockers: [BLOCKER], effectiveAt: '2026-10-12' },
      });
      return r.status !== 503 && r;
    }, 60_000, 'the check-in accepted once check-ins knows the key result');
    expect(checkIn.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await cluster?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Every record of okr.checkins.v1 from its start, read by plain kafkajs, until `done` says so. */
  async function rawRecords(group: string, done: (records: KafkaMessage[]) => boolean): Promise<KafkaMessage[]> {
    const consumer = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    const records: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [TOPICS.checkIns.name], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
      await eventually(() => done(records), 60_000, `${group}: the records of ${TOPICS.checkIns.name}`);
      return records;
    } finally {
      await consumer.disconnect();
    }
  }
  const typeOf = (record: KafkaMessage) => String(record.headers?.['ce_type'] ?? '');
  const hasCheckIn = (records: KafkaMessage[]) => records.some((record) => typeOf(record) === 'CheckInRecorded');

  it('holds ciphertext on the topic and reads "erased person" in a consumer that starts after the erasure', async () => {
    // Published before the erasure: the record is on the topic already.
    await rawRecords('erasure-raw-before', hasCheckIn);

    const inGoals = caller(goals, await issueEmbeddedToken({ dataDir, tenant: 'acme', user: 'alice', roles: ['admin'], teams: [] }));
    expect((await inGoals('POST', '/api/v1/admin/people/dana/erasure', { body: { reason: 'Left and asked to be forgotten' } })).status).toBe(201);

    // (a) What the topic holds: ciphertext where the personal data was, never the plaintext.
    const raw = await rawRecords('erasure-raw-after', hasCheckIn);
    const record = raw.find((r) => typeOf(r) === 'CheckInRecorded');
    const value = JSON.parse(record?.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(value).toMatchObject({ value: 18, confidence: 6, effectiveAt: '2026-10-12', note: expect.stringMatching(/^pd1\./), blockers: [expect.stringMatching(/^pd1\./)] });
    const everything = raw.map((r) => `${r.value?.toString('utf8')} ${JSON.stringify(Object.values(r.headers ?? {}).map(String))}`).join('\n');
    for (const secret of [NOTE, BLOCKER, '"dana"']) expect(everything).not.toContain(secret);

    // (b) A platform consumer of another service (as insights builds its own), reading from the start.
    const keys = SqliteKeyStore.open({ file: join(dataDir, 'personal-data-keys.sqlite') });
    const consumer = new OpeningConsumer(new KafkaConsumer(testKafkaConfig(cluster, { clientId: 'okr-insights-test' }), testLogger()), new PersonalDataProtection(keys));
    const seen: IntegrationEvent[] = [];
    let running: RunningConsumer | undefined;
    try {
      running = await consumer.start({
        group: 'erasure-insights-from-start',
        topics: [TOPICS.checkIns.name],
        handlers: { CheckInRecorded: async (event) => void seen.push(event) },
      });
      const [checkIn] = await eventually(() => seen.length > 0 && seen, 60_000, 'the check-in delivered to the consumer');
      expect(checkIn?.metadata.actor).toBe(ERASED_PERSON);
      expect(checkIn?.data).toMatchObject({ keyResultId, value: 18, confidence: 6, effectiveAt: '2026-10-12', note: ERASED_PERSON, blockers: [ERASED_PERSON] });
      expect(JSON.stringify(checkIn)).not.toMatch(/Dana|"dana"/);
    } finally {
      await running?.stop();
      await consumer.close();
      await keys.close();
    }
  }, 180_000);
});
