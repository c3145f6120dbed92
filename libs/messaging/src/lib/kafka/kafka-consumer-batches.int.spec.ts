import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { startKafkaMock, testKafkaConfig, testLogger, waitFor, type KafkaTestCluster } from '../../testing';
import { toIntegrationEvent, type IntegrationEvent } from '../integration-event';
import { TOPICS } from '../topics';
import { KafkaConsumer } from './kafka-consumer';
import { KafkaPublisher } from './kafka-publisher';

const TOPIC = TOPICS.goals.name;
// Only reached when something is broken: group joins on a loaded 2-core machine are slow.
const WAIT_MS = 45_000;

let cluster: KafkaTestCluster;
let position = Date.now() * 1000;

beforeAll(async () => {
  cluster = await startKafkaMock();
});

afterAll(async () => {
  await cluster?.stop();
});

/** `count` events of one objective (one key, so one partition, in order). */
const stream = (count: number): IntegrationEvent[] => {
  const objectiveId = uuidv7();
  return Array.from({ length: count }, (_, revision) =>
    toIntegrationEvent({
      id: uuidv7(),
      type: 'KeyResultAdded',
      schemaVersion: 1,
      streamId: `objective-${objectiveId}`,
      revision,
      position: (position += 1),
      data: { revision },
      metadata: { tenantId: 'tenant-batches', actor: 'user', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
    }),
  );
};

jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('Kafka consumer batches (eachBatch)', () => {
  it.concurrent(
    'hands a fetched batch to handleBatch in order, many events per call, and commits its offsets',
    async () => {
      const logger = testLogger();
      const publisher = new KafkaPublisher(testKafkaConfig(cluster), logger);
      const first = new KafkaConsumer(testKafkaConfig(cluster), logger);
      const second = new KafkaConsumer(testKafkaConfig(cluster), logger);
      const group = `batches-${randomUUID()}`;
      const events = stream(300);
      const ours = new Set(events.map((event) => event.id));
      const calls: string[][] = [];
      const oneByOne: string[] = [];
      try {
        // Published before the group starts: its first fetch holds many of them.
        await publisher.publish(TOPIC, events);
        const handlers = { KeyResultAdded: async (event: IntegrationEvent) => void oneByOne.push(event.id) };
        const handleBatch = async (batch: readonly IntegrationEvent[]) => void calls.push(batch.map((event) => event.id).filter((id) => ours.has(id)));
        const running = await first.start({ group, topics: [TOPIC], handlers, handleBatch, maxBatchSize: 100 });
        const received = () => calls.flat();
        await waitFor(() => received().length >= events.length, WAIT_MS, () => `all ${events.length} events (got ${received().length})`);
        expect(received()).toEqual(events.map((event) => event.id));
        expect(oneByOne.filter((id) => ours.has(id))).toEqual([]);
        expect(Math.max(...calls.map((call) => call.length))).toBeGreaterThan(1);
        expect(Math.max(...calls.map((call) => call.length))).toBeLessThanOrEqual(100);

        // The offsets were committed: the group's next member reads only what came after.
        await running.stop();
        const later = stream(1);
        await publisher.publish(TOPIC, later);
        const again: string[] = [];
        await second.start({
          group,
          topics: [TOPIC],
          handlers,
          handleBatch: async (batch) => void again.push(...batch.map((event) => event.id).filter((id) => ours.has(id) || id === later[0].id)),
        });
        await waitFor(() => again.includes(later[0].id), WAIT_MS, () => 'the event published after the first member stopped');
        expect(again).toEqual([later[0].id]);
      } finally {
        await Promise.allSettled([first.close(), second.close(), publisher.close()]);
      }
    },
    150_000,
  );

  it.concurrent(
    'handles the records of a failing batch one at a time, each exactly as its handler says',
    async () => {
      const logger = testLogger();
      const publisher = new KafkaPublisher(testKafkaConfig(cluster), logger);
      const consumer = new KafkaConsumer(testKafkaConfig(cluster), logger);
      const events = stream(20);
      const ours = new Set(events.map((event) => event.id));
      const oneByOne: string[] = [];
      let batchCalls = 0;
      try {
        await publisher.publish(TOPIC, events);
        await consumer.start({
          group: `failing-batches-${randomUUID()}`,
          topics: [TOPIC],
          handlers: { KeyResultAdded: async (event) => void (ours.has(event.id) && oneByOne.push(event.id)) },
          handleBatch: async (batch) => {
            if (batch.some((event) => ours.has(event.id))) {
              batchCalls += 1;
              throw new Error('the batch cannot be applied');
            }
          },
        });
        await waitFor(() => oneByOne.length >= events.length, WAIT_MS, () => `all ${events.length} events one by one (got ${oneByOne.length})`);
        expect(oneByOne).toEqual(events.map((event) => event.id));
        expect(batchCalls).toBeGreaterThan(0);
      } finally {
        await Promise.allSettled([consumer.close(), publisher.close()]);
      }
    },
    150_000,
  );
});
