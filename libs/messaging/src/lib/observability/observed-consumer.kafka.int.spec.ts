import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { Metrics, Tracing } from '@okr/platform';
import { startKafkaMock, testKafkaConfig, testLogger, waitFor, type KafkaTestCluster } from '../../testing';
import { toIntegrationEvent, type IntegrationEvent } from '../integration-event';
import { CE_HEADERS, headerText } from '../kafka/cloudevents';
import { DLQ_HEADERS } from '../kafka/dead-letter';
import { KafkaConsumer } from '../kafka/kafka-consumer';
import { KafkaPublisher } from '../kafka/kafka-publisher';
import { deadLetterTopic, TOPICS } from '../topics';
import { ObservedConsumer } from './observed-consumer';

/**
 * The consumer metrics as Prometheus scrapes them, on librdkafka's mock cluster: `okr_consumer_lag`
 * per partition while a group is part-way through a topic and once it caught up, and
 * `okr_dead_letters_total` when poison records go to the dead-letter topic.
 */
const TOPIC = TOPICS.goals.name;
const DLQ = deadLetterTopic(TOPIC);
// Bounds on a stall, not on speed: group joins on a loaded 2-core machine are slow.
const WAIT_MS = 45_000;

// Kafka group rebalances on a loaded 2-core machine are slow and timing-dependent: one retry, with the
// first failure logged, keeps an environmental stall from failing CI while a real fault fails twice.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

let cluster: KafkaTestCluster;
let position = Date.now() * 1000;
beforeAll(async () => (cluster = await startKafkaMock({ topics: [TOPIC, DLQ] })));
afterAll(() => cluster?.stop());

const event = (key: string, revision: number, data: Record<string, unknown> = {}): IntegrationEvent =>
  toIntegrationEvent({
    id: uuidv7(),
    type: 'KeyResultAdded',
    schemaVersion: 1,
    streamId: `objective-${key}`,
    revision,
    position: (position += 1),
    data,
    metadata: { tenantId: 'acme', actor: 'user-1', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
  });

/** Series of a metric as a scrape reads them (its `collect` runs), by their labels. */
async function series(metrics: Metrics, name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return [];
  return (await metric.get()).values.map(({ labels, value }) => ({ labels: labels as Record<string, string | number>, value }));
}

/** `{partition: lag}` of one group on TOPIC, as the gauge says it now. */
async function lagOf(metrics: Metrics, group: string): Promise<Record<string, number>> {
  const values = (await series(metrics, 'okr_consumer_lag')).filter(({ labels }) => labels['group'] === group && labels['topic'] === TOPIC);
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels['partition']), value]));
}

/** The partition of every record of `topic` (by `ce_id`), read raw by a fresh group, once `ids` were all seen. */
async function partitionsOf(topic: string, ids: readonly string[]): Promise<Map<string, { partition: number; headers: Record<string, string | undefined> }>> {
  const kafka = new Kafka({ brokers: cluster.brokers, clientId: 'raw-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
  const seen = new Map<string, { partition: number; headers: Record<string, string | undefined> }>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const id = headerText(message.headers, CE_HEADERS.id);
        const headers = Object.fromEntries(Object.keys(message.headers ?? {}).map((name) => [name, headerText(message.headers, name)]));
        if (id) seen.set(id, { partition, headers });
      },
    });
    await waitFor(() => ids.every((id) => seen.has(id)), WAIT_MS, () => `${ids.length} records on ${topic} (read ${seen.size})`, () => seen.size);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('consumer metrics on Kafka (librdkafka mock)', () => {
  const logger = testLogger();
  const tracing = new Tracing('metrics-test', null);
  let metrics: Metrics;
  let kafka: KafkaConsumer;
  let observed: ObservedConsumer;
  let publisher: KafkaPublisher;

  beforeEach(() => {
    metrics = new Metrics('metrics-test');
    kafka = new KafkaConsumer(testKafkaConfig(cluster), logger);
    observed = new ObservedConsumer(kafka, tracing, 'kafka', metrics);
    publisher = new KafkaPublisher(testKafkaConfig(cluster), logger);
  });
  afterEach(async () => {
    await Promise.allSettled([observed.close(), publisher.close()]);
  });

  it('okr_consumer_lag shows what is left on each partition after the group read part of the topic, then 0 on every partition', async () => {
    const handled = new Set<string>();
    const group = `lag-${randomUUID()}`;
    const options = { group, topics: [TOPIC], handlers: { KeyResultAdded: async (received: IntegrationEvent) => void handled.add(received.id) } };
    const everywhere = (lag: number) => ({ '0': lag, '1': lag, '2': lag, '3': lag });
    let last: Record<string, number> = {};
    const gaugeReaches = (expected: Record<string, number>) =>
      waitFor(
        async () => JSON.stringify((last = await lagOf(metrics, group))) === JSON.stringify(expected),
        WAIT_MS,
        () => `lag ${JSON.stringify(expected)}, the gauge says ${JSON.stringify(last)}`,
        () => handled.size,
      );

    // The part read: whatever the topic holds now. The group stops once it has committed all of it.
    const first = Array.from({ length: 4 }, () => event(uuidv7(), 0));
    await publisher.publish(TOPIC, first);
    const member = await observed.start(options);
    await waitFor(() => first.every((e) => handled.has(e.id)), WAIT_MS, () => 'the first events handled', () => handled.size);
    await gaugeReaches(everywhere(0));
    await member.stop();

    // The part left: N more events, over keys that spread across the partitions. A stopped group stays
    // in the gauge, its lag growing: what an operator must see of a consumer that stopped.
    const rest = Array.from({ length: 16 }, () => event(uuidv7(), 0));
    await publisher.publish(TOPIC, rest);
    const placed = await partitionsOf(TOPIC, rest.map((e) => e.id));
    const expected = everywhere(0);
    for (const e of rest) expected[String(placed.get(e.id)?.partition) as keyof typeof expected] += 1;
    expect(Object.values(expected).filter((lag) => lag > 0).length).toBeGreaterThan(1);
    await gaugeReaches(expected);
    expect(rest.some((e) => handled.has(e.id))).toBe(false);

    await observed.start(options);
    await gaugeReaches(everywhere(0));
    expect(rest.every((e) => handled.has(e.id))).toBe(true);
  }, 150_000);

  it('okr_dead_letters_total is 0 from the start and counts each record sent to the dead-letter topic, poison events and malformed records', async () => {
    const key = uuidv7();
    const [before, poison, after] = [event(key, 0), event(key, 1, { poison: true }), event(key, 2)];
    const group = `dead-letters-${randomUUID()}`;
    const handled: string[] = [];
    await observed.start({
      group,
      topics: [TOPIC],
      maxAttempts: 2,
      retry: { initialMs: 10, maxMs: 20 },
      handlers: {
        KeyResultAdded: async (received) => {
          if ((received.data as { poison?: boolean }).poison) throw new Error('cannot apply a poison event');
          // A new group reads the topic from its start: the other test's events are there too.
          if (received.key === key) handled.push(received.id);
        },
      },
    });
    const counted = async () =>
      (await series(metrics, 'okr_dead_letters_total')).find(({ labels }) => labels['group'] === group && labels['topic'] === TOPIC)?.value;
    // A series that appeared only at the first dead letter would hide that one from increase() and rate().
    expect(await counted()).toBe(0);

    await publisher.publish(TOPIC, [before, poison, after]);
    await waitFor(() => handled.includes(after.id), WAIT_MS, () => 'the event after the poison one to be handled');
    expect(handled).toEqual([before.id, after.id]);
    expect(await counted()).toBe(1);

    // A record that claims to be a CloudEvent but cannot be read: no retry helps, it is a dead letter at once.
    const malformedId = uuidv7();
    const raw = new Kafka({ brokers: cluster.brokers, clientId: 'raw-writer', logLevel: logLevel.NOTHING }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await raw.connect();
    await raw.send({ topic: TOPIC, acks: -1, messages: [{ key, value: '{}', headers: { [CE_HEADERS.id]: malformedId } }] });
    await raw.disconnect();
    await waitFor(async () => (await counted()) === 2, WAIT_MS, () => 'the malformed record counted as a dead letter');

    const letters = await partitionsOf(DLQ, [poison.id, malformedId]);
    expect(letters.get(poison.id)?.headers).toMatchObject({ [DLQ_HEADERS.group]: group, [DLQ_HEADERS.topic]: TOPIC, [DLQ_HEADERS.attempts]: '2' });
    expect(letters.get(malformedId)?.headers).toMatchObject({ [DLQ_HEADERS.group]: group, [DLQ_HEADERS.attempts]: '1' });
    // The dead letters moved the partition on: nothing is left to read.
    await waitFor(async () => Object.values(await lagOf(metrics, group)).every((lag) => lag === 0), WAIT_MS, () => 'the group to catch up');
  }, 150_000);
});
