import type { Admin } from 'kafkajs';
import { GroupAdminUnsupportedError, deleteIdleKafkaGroups, listKafkaGroups } from './kafka-groups';

/** A kafkajs Admin that answers DescribeGroups / DeleteGroups / ListGroups as a broker would. */
const brokerAdmin = (states: Record<string, { state: string; members: number }>, deleteFailures: Record<string, string> = {}) => {
  const deleted: string[][] = [];
  const admin = {
    listGroups: async () => ({ groups: Object.keys(states).map((groupId) => ({ groupId, protocolType: 'consumer' })) }),
    describeGroups: async (ids: string[]) => ({
      groups: ids.map((groupId) => ({
        groupId,
        state: states[groupId]?.state ?? 'Dead',
        members: Array.from({ length: states[groupId]?.members ?? 0 }, (_, i) => ({ memberId: `m${i}` })),
        protocol: '',
        protocolType: 'consumer',
      })),
    }),
    deleteGroups: async (ids: string[]) => {
      deleted.push(ids);
      const failed = ids.filter((id) => deleteFailures[id]);
      if (failed.length > 0) {
        throw Object.assign(new Error('Error in DeleteGroups'), {
          name: 'KafkaJSDeleteGroupsError',
          groups: failed.map((groupId) => ({ groupId, errorCode: 1, error: { type: deleteFailures[groupId] } })),
        });
      }
      return ids.map((groupId) => ({ groupId, errorCode: 0 }));
    },
  };
  return { admin: admin as unknown as Admin, deleted };
};

const unsupportedAdmin = (): Admin => {
  const refuse = async () => {
    throw Object.assign(new Error('The Kafka server does not support the requested API version undefined'), { name: 'KafkaJSServerDoesNotSupportApiKey' });
  };
  return { listGroups: refuse, describeGroups: refuse, deleteGroups: refuse } as unknown as Admin;
};

describe('deleting idle Kafka consumer groups', () => {
  it('deletes the groups with no members and keeps those with members or in a rebalance, without touching them', async () => {
    const { admin, deleted } = brokerAdmin({
      'svc.model.0badf00d': { state: 'Empty', members: 0 },
      'svc.model': { state: 'Stable', members: 2 },
      'svc.model.cafebabe': { state: 'PreparingRebalance', members: 0 },
    });
    const cleanup = await deleteIdleKafkaGroups(admin, ['svc.model.0badf00d', 'svc.model', 'svc.model.cafebabe']);
    expect(cleanup.deleted).toEqual(['svc.model.0badf00d']);
    expect(cleanup.kept).toEqual([
      { group: 'svc.model', reason: 'state Stable, 2 member(s)' },
      { group: 'svc.model.cafebabe', reason: 'state PreparingRebalance, 0 member(s)' },
    ]);
    expect(deleted).toEqual([['svc.model.0badf00d']]);
  });

  it('counts a group already gone as deleted and keeps one a member joined between describe and delete', async () => {
    const { admin } = brokerAdmin(
      { gone: { state: 'Dead', members: 0 }, joined: { state: 'Empty', members: 0 }, idle: { state: 'Empty', members: 0 } },
      { gone: 'GROUP_ID_NOT_FOUND', joined: 'NON_EMPTY_GROUP' },
    );
    const cleanup = await deleteIdleKafkaGroups(admin, ['gone', 'joined', 'idle']);
    expect(cleanup.deleted.sort()).toEqual(['gone', 'idle']);
    expect(cleanup.kept).toEqual([{ group: 'joined', reason: 'NON_EMPTY_GROUP' }]);
  });

  it('asks the broker nothing for no group, and lists groups by prefix', async () => {
    const { admin, deleted } = brokerAdmin({ 'svc.a': { state: 'Empty', members: 0 }, 'other.a': { state: 'Empty', members: 0 } });
    expect(await deleteIdleKafkaGroups(admin, [])).toEqual({ deleted: [], kept: [] });
    expect(deleted).toEqual([]);
    expect(await listKafkaGroups(admin, 'svc.')).toEqual(['svc.a']);
  });

  it('says which admin API a broker lacks (librdkafka mock: ListGroups, DescribeGroups, DeleteGroups)', async () => {
    await expect(listKafkaGroups(unsupportedAdmin(), 'svc.')).rejects.toThrow(GroupAdminUnsupportedError);
    await expect(deleteIdleKafkaGroups(unsupportedAdmin(), ['svc.a'])).rejects.toThrow(/does not support DescribeGroups/);
  });
});
