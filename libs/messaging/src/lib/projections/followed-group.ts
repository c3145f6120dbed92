import { randomUUID } from 'node:crypto';
import type { ReadDocument, ReadStore } from '@okr/read-store';

/**
 * Where a view records the consumer group it follows, beside its own documents: replicas that share
 * the view (one MongoDB, one data folder) find the same record and share the group; a view of its own
 * (a new store, a lost volume, a pod with a private file) finds none and gets a group of its own.
 */
export interface GroupRegistry {
  /** The group recorded for `base`, if any. */
  bound(base: string): Promise<string | undefined>;
  /**
   * Records `group` for `base` unless a group is recorded already; answers the group recorded
   * afterwards (another replica's, when it won the race).
   */
  bind(base: string, group: string): Promise<string>;
}

/**
 * The consumer group a view follows. A view that holds data and has no record follows `base` (the
 * name every view had before groups were recorded: its positions on the bus belong to this data). A
 * view that holds nothing gets a group named `{base}.{random}`, new to the bus, so it reads the log
 * from its start BESIDE the live groups: no group another replica consumes in is joined, moved or
 * reset (on Kafka that crashed the second replica with "Consumer group was not initialized", and a
 * real broker refuses it). The groups left behind are deleted once they have no members
 * ({@link abandonedGroups}, `deleteIdleGroups` of the consumer port).
 */
export async function followedGroup(registry: GroupRegistry, base: string, holdsData: () => Promise<boolean>): Promise<string> {
  const bound = await registry.bound(base);
  if (bound !== undefined) return bound;
  return registry.bind(base, (await holdsData()) ? base : freshGroupName(base));
}

/** A consumer group name no bus has seen: `{base}.{8 hex}`. */
export const freshGroupName = (base: string): string => `${base}.${randomUUID().replace(/-/g, '').slice(0, 8)}`;

/**
 * The groups of `base` among `listed` that the store no longer follows: `base` itself or a
 * `{base}.{8 hex}` other than `followed`, left behind when the store moved to another group (a new
 * or lost store, a rebuild). Replicas share the store and so its record: no replica follows them.
 */
export const abandonedGroups = (base: string, followed: string, listed: readonly string[]): string[] =>
  listed.filter((group) => group !== followed && (group === base || (group.startsWith(`${base}.`) && /^[0-9a-f]{8}$/.test(group.slice(base.length + 1)))));

/** The collection of a read store that records which group each of its views follows. */
export const FOLLOWED_GROUPS = '_followed_groups';

interface FollowedGroupDoc extends ReadDocument {
  group: string;
  boundAt: string;
}

/** {@link GroupRegistry} in a read store (`_followed_groups`, one document per base group name). */
export class ReadStoreGroupRegistry implements GroupRegistry {
  constructor(private readonly store: ReadStore) {}

  async bound(base: string): Promise<string | undefined> {
    const groups = await this.groups();
    return (await groups.findOne({ _id: base }))?.group;
  }

  async bind(base: string, group: string): Promise<string> {
    const groups = await this.groups();
    try {
      return await this.store.withTransaction(async (session) => {
        const bound = await groups.findOne({ _id: base }, { session });
        if (bound) return bound.group;
        await groups.updateOne({ _id: base }, { $set: { group, boundAt: new Date().toISOString() } }, { upsert: true, session });
        return group;
      });
    } catch (error) {
      // Two replicas binding at once: the loser's insert conflicts; the winner's record is the answer.
      const bound = await groups.findOne({ _id: base });
      if (bound) return bound.group;
      throw error;
    }
  }

  private groups() {
    return this.store.collection<FollowedGroupDoc>({ name: FOLLOWED_GROUPS });
  }
}
