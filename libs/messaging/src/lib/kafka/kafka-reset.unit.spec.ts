import type { Admin, Kafka } from 'kafkajs';
import { KafkaGroupActiveError, resetKafkaGroup } from './kafka-reset';

const config = { brokers: ['unused:9092'], clientId: 'test', idempotent: false };

/** A broker-like admin (DescribeGroups answers) recording setOffsets; a Kafka client that must never make a consumer. */
const setup = (state: string, members: number) => {
  const set: unknown[] = [];
  const admin = {
    fetchTopicOffsets: async () => [
      { partition: 0, low: '3', high: '10', offset: '10' },
      { partition: 1, low: '0', high: '4', offset: '4' },
    ],
    describeGroups: async (ids: string[]) => ({
      groups: ids.map((groupId) => ({ groupId, state, members: Array.from({ length: members }, () => ({})), protocol: '', protocolType: 'consumer' })),
    }),
    setOffsets: async (request: unknown) => void set.push(request),
  } as unknown as Admin;
  const kafka = {
    consumer: () => {
      throw new Error('joined the group');
    },
  } as unknown as Kafka;
  return { admin, kafka, set };
};

describe('resetting a Kafka group where the broker describes groups', () => {
  it('sets an empty group to the start with the admin API, without joining it', async () => {
    const { admin, kafka, set } = setup('Empty', 0);
    await resetKafkaGroup(kafka, admin, config, 'svc.model', ['okr.goals.v1'], { to: 'start' });
    expect(set).toEqual([
      {
        groupId: 'svc.model',
        topic: 'okr.goals.v1',
        partitions: [
          { partition: 0, offset: '3' },
          { partition: 1, offset: '0' },
        ],
      },
    ]);
  });

  it('refuses a group with members without joining it (a join would rebalance its live members)', async () => {
    const { admin, kafka, set } = setup('Stable', 2);
    await expect(resetKafkaGroup(kafka, admin, config, 'svc.model', ['okr.goals.v1'], { to: 'start' })).rejects.toThrow(KafkaGroupActiveError);
    expect(set).toEqual([]);
  });

  it('refuses when a member joined between the description and setOffsets', async () => {
    const { admin, kafka } = setup('Empty', 0);
    (admin as unknown as { setOffsets: () => Promise<void> }).setOffsets = async () => {
      throw new Error('The consumer group must have no running instances, current state: Stable');
    };
    await expect(resetKafkaGroup(kafka, admin, config, 'svc.model', ['okr.goals.v1'], { to: 'start' })).rejects.toThrow(KafkaGroupActiveError);
  });
});
