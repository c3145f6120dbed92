import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaMock, testKafkaConfig, testLogger, waitFor, type KafkaTestCluster } from '../../testing';
import { toIntegrationEvent } from '../integration-event';
import { TOPICS } from '../topics';
import { KafkaConsumer } from './kafka-consumer';
import { GroupAdminUnsupportedError } from './kafka-groups';
import { KafkaPublisher } from './kafka-publisher';

const TOPIC = TOPICS.goals.name;

/**
 * Deleting abandoned groups against librdkafka's mock (Debian's librdkafka 2.0.2), which implements
 * none of ListGroups, DescribeGroups and DeleteGroups: the adapter says so with a typed error and
 * leaves every group and its committed offsets as they were. The decisions themselves (empty groups
 * only, NON_EMPTY_GROUP kept, a group already gone) are tested against a broker-like admin in
 * kafka-groups.unit.spec.ts; a real broker runs them when `KAFKA_BROKERS` points at one.
 */
describe('abandoned consumer groups on Kafka (kcat mock)', () => {
  let cluster: KafkaTestCluster;
  let consumer: KafkaConsumer;

  beforeAll(async () => {
    cluster = await startKafkaMock();
    consumer = new KafkaConsumer(testKafkaConfig(cluster), testLogger());
  });
  afterAll(async () => {
    await consumer?.close();
    await cluster?.stop();
  });

  it('lists and deletes idle groups where the broker can, and on the mock refuses plainly, leaving the group and its offsets', async () => {
    const group = `abandoned-${randomUUID()}`;
    const publisher = new KafkaPublisher(testKafkaConfig(cluster), testLogger());
    const streamId = `objective-${randomUUID()}`;
    const metadata = { tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() };
    await publisher.publish(TOPIC, [toIntegrationEvent({ id: randomUUID(), type: 'ObjectiveSet', schemaVersion: 1, streamId, revision: 0, position: 0, data: {}, metadata })]);
    await publisher.close();
    // The group consumes once, then nobody is in it: abandoned.
    const running = await consumer.start({ group, topics: [TOPIC], handlers: { ObjectiveSet: async () => undefined } });
    await waitFor(() => consumer.caughtUp(group, [TOPIC]), 60_000, () => 'the group caught up');
    await running.stop();

    if (cluster.external) {
      expect(await consumer.listGroups('abandoned-')).toContain(group);
      expect((await consumer.deleteIdleGroups([group])).deleted).toEqual([group]);
      expect(await consumer.caughtUp(group, [TOPIC])).toBe(false);
      return;
    }
    await expect(consumer.listGroups('abandoned-')).rejects.toThrow(GroupAdminUnsupportedError);
    await expect(consumer.deleteIdleGroups([group])).rejects.toThrow(/does not support DescribeGroups/);
    // Nothing was touched: the group's committed offsets are still there.
    expect(await consumer.caughtUp(group, [TOPIC])).toBe(true);
    const admin = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [{ partitions }] = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
      expect(partitions.some((p) => Number(p.offset) > 0)).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });
});
