import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from '@okr/read-store';
import { v7 as uuidv7 } from 'uuid';
import { startKafkaMock, testKafkaConfig, testLogger, waitFor, type KafkaTestCluster } from '../../testing';
import { toIntegrationEvent, type IntegrationEvent } from '../integration-event';
import { KafkaConsumer } from '../kafka/kafka-consumer';
import { KafkaPublisher } from '../kafka/kafka-publisher';
import { TOPICS } from '../topics';
import { countedModel } from './catch-up.fixture';
import { readModelGroup, ReadModelRunner } from './read-model-runner';

const TOPIC = TOPICS.goals.name;
const STALL_MS = 45_000;

/** One replica of a service: its own Kafka client, a read store, the runner of one read model. */
interface Replica {
  store: EmbeddedReadStore;
  consumer: KafkaConsumer;
  runner: ReadModelRunner;
}

let cluster: KafkaTestCluster;
let dir: string;
let publisher: KafkaPublisher;
const replicas: Replica[] = [];
const streams = Array.from({ length: 6 }, () => `counter-${uuidv7()}`);
let revision = 0;

const round = (): IntegrationEvent[] => {
  const events = streams.map((streamId) =>
    toIntegrationEvent({
      id: uuidv7(),
      type: 'Counted',
      schemaVersion: 1,
      streamId,
      revision,
      position: revision * streams.length + streams.indexOf(streamId),
      data: { revision },
      metadata: { tenantId: 'tenant-a', actor: 'writer', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
    }),
  );
  revision += 1;
  return events;
};

async function startReplica(storeFile: string): Promise<Replica> {
  const store = EmbeddedReadStore.open({ file: storeFile });
  const consumer = new KafkaConsumer(testKafkaConfig(cluster), testLogger());
  const runner = new ReadModelRunner(consumer, store, { service: 'replicas', topics: [TOPIC], models: [countedModel] });
  const replica = { store, consumer, runner };
  replicas.push(replica);
  await runner.onApplicationBootstrap();
  await runner.started();
  return replica;
}

/** Every published event applied exactly once, each after its stream's previous one. */
async function expectComplete(replica: Replica): Promise<void> {
  const counted = await replica.store.collection({ name: countedModel.name, indexes: countedModel.indexes });
  const expected = revision * streams.length;
  await waitFor(async () => (await counted.count()) >= expected, STALL_MS, () => `${expected} events applied`, () => counted.count());
  expect(await counted.count()).toBe(expected);
  expect(await counted.count({ applied: { $ne: 1 } })).toBe(0);
  expect(await counted.count({ revision: { $gt: 0 }, previousSeen: { $ne: 1 } })).toBe(0);
}

beforeAll(async () => {
  cluster = await startKafkaMock();
  dir = mkdtempSync(join(tmpdir(), 'okr-replicas-'));
  publisher = new KafkaPublisher(testKafkaConfig(cluster), testLogger());
});

afterAll(async () => {
  for (const replica of replicas.reverse()) {
    await replica.runner.onModuleDestroy();
    await replica.consumer.close();
    await replica.store.close();
  }
  await publisher?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a second replica of a read model on Kafka', () => {
  it('starts beside a serving replica, in a group of its own when its store holds nothing (sharing the group when it shares the store), and every read model is complete', async () => {
    await publisher.publish(TOPIC, round());
    const first = await startReplica(join(dir, 'first.read.db'));
    await expectComplete(first);

    // A pod with a store of its own (new, or its volume lost) while the first one serves: it used to
    // reset the group the first one consumes in, and crashed with "Consumer group was not initialized".
    const second = await startReplica(join(dir, 'second.read.db'));
    expect(second.runner.groupOf(countedModel)).not.toBe(first.runner.groupOf(countedModel));
    expect(second.runner.groupOf(countedModel).startsWith(readModelGroup('replicas', countedModel))).toBe(true);

    // A third replica shares the first one's store (as replicas share MongoDB, or a data folder): it
    // follows the first one's group, the two share its partitions, and the store stays complete.
    const third = await startReplica(join(dir, 'first.read.db'));
    expect(third.runner.groupOf(countedModel)).toBe(first.runner.groupOf(countedModel));

    await publisher.publish(TOPIC, round());
    await Promise.all([expectComplete(first), expectComplete(second), expectComplete(third)]);
    // Readiness said "catching up" while the second read the log from its start; each is ready now.
    for (const replica of [first, second, third]) {
      await waitFor(async () => (await replica.runner.readiness()).ready, STALL_MS, () => 'the replica ready');
    }
  });
});
