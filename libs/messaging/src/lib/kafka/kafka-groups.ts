import type { Admin } from 'kafkajs';
import type { GroupCleanup } from '../messaging.port';

/** A broker that lacks a group admin API (librdkafka's mock has no ListGroups, DescribeGroups nor DeleteGroups). */
export class GroupAdminUnsupportedError extends Error {
  constructor(
    readonly api: string,
    cause: unknown,
  ) {
    super(`GroupAdminUnsupportedError: the broker does not support ${api} (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'GroupAdminUnsupportedError';
  }
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const unsupported = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'KafkaJSServerDoesNotSupportApiKey' || /does not support the requested API version/.test(error.message));

/** Groups whose name starts with `prefix`, from every broker's ListGroups. */
export async function listKafkaGroups(admin: Admin, prefix: string): Promise<string[]> {
  try {
    const { groups } = await admin.listGroups();
    return groups.map((group) => group.groupId).filter((name) => name.startsWith(prefix));
  } catch (error) {
    if (unsupported(error)) throw new GroupAdminUnsupportedError('ListGroups', error);
    throw error;
  }
}

/** Whether a group the broker described has nobody in it: no members, and no rebalance under way. */
const idle = (state: string, members: number): boolean => members === 0 && (state === 'Empty' || state === 'Dead');

/**
 * Deletes the groups that have no members (their committed offsets go with them); a group with
 * members, or one the broker is rebalancing, is kept and said why. DescribeGroups first, so that a
 * live group is never touched; DeleteGroups then refuses a group a member joined meanwhile
 * (NON_EMPTY_GROUP), which is kept too. A group already gone counts as deleted.
 */
export async function deleteIdleKafkaGroups(admin: Admin, groups: readonly string[]): Promise<GroupCleanup> {
  const cleanup: GroupCleanup = { deleted: [], kept: [] };
  if (groups.length === 0) return cleanup;
  let described: Awaited<ReturnType<Admin['describeGroups']>>['groups'];
  try {
    ({ groups: described } = await admin.describeGroups([...groups]));
  } catch (error) {
    if (unsupported(error)) throw new GroupAdminUnsupportedError('DescribeGroups', error);
    throw error;
  }
  const candidates: string[] = [];
  for (const group of groups) {
    const description = described.find((entry) => entry.groupId === group);
    if (description === undefined) cleanup.kept.push({ group, reason: 'the broker did not describe it' });
    else if (idle(description.state, description.members.length)) candidates.push(group);
    else cleanup.kept.push({ group, reason: `state ${description.state}, ${description.members.length} member(s)` });
  }
  if (candidates.length === 0) return cleanup;
  try {
    await admin.deleteGroups(candidates);
    cleanup.deleted.push(...candidates);
  } catch (error) {
    if (unsupported(error)) throw new GroupAdminUnsupportedError('DeleteGroups', error);
    // KafkaJSDeleteGroupsError lists the groups that failed; the others were deleted.
    const failed = new Map(((error as { groups?: { groupId: string; error?: { type?: string; message?: string } }[] }).groups ?? []).map((g) => [g.groupId, g.error]));
    if (failed.size === 0) throw error;
    for (const group of candidates) {
      const reason = failed.get(group);
      if (!failed.has(group) || reason?.type === 'GROUP_ID_NOT_FOUND') cleanup.deleted.push(group);
      else cleanup.kept.push({ group, reason: reason?.type ?? reason?.message ?? errorText(error) });
    }
  }
  return cleanup;
}
