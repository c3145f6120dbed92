import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { ResetTarget } from '../messaging.port';
import { fromKafkaMessage } from './cloudevents';
import type { KafkaConfig } from './kafka-config';

/** A group still has members elsewhere: moving its offsets under them would be undone or raced. */
export class KafkaGroupActiveError extends Error {
  constructor(readonly group: string) {
    super(`KafkaGroupActiveError: consumer group ${group} has active members; stop every member before resetting it`);
    this.name = 'KafkaGroupActiveError';
  }
}

interface PartitionRange {
  topic: string;
  partition: number;
  /** First offset still in the log. */
  low: string;
  /** Offset the next record will get, when the reset started. */
  high: string;
}

interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

const JOIN_TIMEOUT_MS = 60_000;
const SCAN_TIMEOUT_MS = 10 * 60_000;

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** Whether a record is at or after the reset point; records that are no integration event never are. */
function matcherFor(target: Exclude<ResetTarget, { to: 'start' }>): (message: KafkaMessage) => boolean {
  const eventOf = (message: KafkaMessage) => {
    try {
      return fromKafkaMessage(message);
    } catch {
      return undefined;
    }
  };
  if (target.to === 'position') {
    return (message) => {
      const event = eventOf(message);
      return event !== undefined && event.position > target.position;
    };
  }
  const at = target.at.getTime();
  return (message) => {
    const event = eventOf(message);
    return event !== undefined && Date.parse(event.metadata.occurredAt) >= at;
  };
}

const consumerOptions = (config: KafkaConfig, groupId: string) => ({
  groupId,
  sessionTimeout: config.sessionTimeout,
  heartbeatInterval: config.heartbeatInterval,
  maxWaitTimeInMs: config.maxWaitTimeInMs,
  allowAutoTopicCreation: false,
});

/**
 * Finds, per partition, the first offset whose record matches, by reading each partition from its
 * first offset (Kafka has no index by event position or by `occurredAt`). Partitions with no match
 * resume at their end. Reads in a throwaway group that never commits, so it leaves nothing behind.
 */
async function scanForFirst(
  kafka: Kafka,
  config: KafkaConfig,
  group: string,
  ranges: readonly PartitionRange[],
  matches: (message: KafkaMessage) => boolean,
): Promise<PartitionOffset[]> {
  const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const found = new Map(ranges.map((range) => [keyOf(range.topic, range.partition), range.high]));
  const pending = new Map(
    ranges.filter((range) => BigInt(range.low) < BigInt(range.high)).map((range) => [keyOf(range.topic, range.partition), range]),
  );
  const result = () => ranges.map(({ topic, partition }) => ({ topic, partition, offset: found.get(keyOf(topic, partition)) ?? '0' }));
  if (pending.size === 0) return result();

  const scanner = kafka.consumer(consumerOptions(config, `${group}.reset-scan.${randomUUID()}`));
  let finished: () => void = () => undefined;
  const allFound = new Promise<void>((resolve) => (finished = resolve));
  const settle = (range: PartitionRange, offset: string) => {
    found.set(keyOf(range.topic, range.partition), offset);
    pending.delete(keyOf(range.topic, range.partition));
    scanner.pause([{ topic: range.topic, partitions: [range.partition] }]);
    if (pending.size === 0) finished();
  };
  try {
    await scanner.connect();
    await scanner.subscribe({ topics: [...new Set([...pending.values()].map((range) => range.topic))], fromBeginning: true });
    await scanner.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently ?? 4,
      eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
        const range = pending.get(keyOf(batch.topic, batch.partition));
        if (!range) return;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= BigInt(range.high)) return settle(range, range.high);
          if (matches(message)) return settle(range, message.offset);
          // kafkajs fetches from the last resolved offset: without this it would read the same batch forever.
          resolveOffset(message.offset);
        }
        if (BigInt(batch.lastOffset()) + 1n >= BigInt(range.high)) settle(range, range.high);
        await heartbeat();
      },
    });
    await withTimeout(allFound, SCAN_TIMEOUT_MS, `scanning group ${group}'s partitions for the reset point`);
    return result();
  } finally {
    await scanner.disconnect();
  }
}

/**
 * Joins `group` as its only member and keeps every partition paused, so offsets can be committed
 * with the group's generation: the fallback for brokers without DescribeGroups (librdkafka's mock),
 * where the admin client's `setOffsets` fails; a member's commit works on every broker.
 */
async function joinAlone(kafka: Kafka, config: KafkaConfig, group: string, ranges: readonly PartitionRange[]): Promise<Consumer> {
  const member = kafka.consumer(consumerOptions(config, group));
  const topics = [...new Set(ranges.map((range) => range.topic))];
  try {
    await member.connect();
    const joined = new Promise<Record<string, number[]>>((resolve) => {
      member.on(member.events.GROUP_JOIN, ({ payload }) => resolve(payload.memberAssignment));
    });
    await member.subscribe({ topics, fromBeginning: true });
    // Resolves nothing and commits nothing: this member is only here to own the partitions.
    await member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    member.pause(topics.map((topic) => ({ topic })));
    const assignment = await withTimeout(joined, JOIN_TIMEOUT_MS, `joining group ${group} to reset it`);
    if (!ranges.every((range) => assignment[range.topic]?.includes(range.partition))) throw new KafkaGroupActiveError(group);
    return member;
  } catch (error) {
    await member.disconnect().catch(() => undefined);
    throw error;
  }
}

/** Whether the broker says the group has members: `unknown` when it cannot say (no DescribeGroups, as on librdkafka's mock). */
async function membership(admin: Admin, group: string): Promise<'idle' | 'active' | 'unknown'> {
  try {
    const { groups } = await admin.describeGroups([group]);
    const described = groups.find((entry) => entry.groupId === group);
    if (described === undefined) return 'unknown';
    return described.members.length === 0 && (described.state === 'Empty' || described.state === 'Dead') ? 'idle' : 'active';
  } catch (error) {
    if (error instanceof Error && (error.name === 'KafkaJSServerDoesNotSupportApiKey' || /does not support the requested API version/.test(error.message))) return 'unknown';
    throw error;
  }
}

/** Sets a group's offsets with the admin API (`setOffsets`: only on a group with no running member). */
async function setWithAdmin(admin: Admin, group: string, offsets: readonly PartitionOffset[]): Promise<void> {
  for (const topic of [...new Set(offsets.map((offset) => offset.topic))]) {
    const partitions = offsets.filter((offset) => offset.topic === topic).map(({ partition, offset }) => ({ partition, offset }));
    try {
      await admin.setOffsets({ groupId: group, topic, partitions });
    } catch (error) {
      // A member joined since the group was described: kafkajs refuses, and so do we.
      if (error instanceof Error && /must have no running instances/.test(error.message)) throw new KafkaGroupActiveError(group);
      throw error;
    }
  }
}

/**
 * Moves a stopped group's committed offsets on `topics`: to each partition's first offset (`start`),
 * to the first record whose event `position` is greater than the given one (`position`), or to the
 * first record whose `metadata.occurredAt` is at or after the instant (`instant`). Positions come
 * from one relay in log order, so they increase along a partition and "the first greater" is the
 * exact resume point; `occurredAt` follows the same order as long as clocks do.
 */
export async function resetKafkaGroup(
  kafka: Kafka,
  admin: Admin,
  config: KafkaConfig,
  group: string,
  topics: readonly string[],
  target: ResetTarget,
): Promise<void> {
  const ranges = (
    await Promise.all(
      topics.map(async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ topic, partition, low, high })),
      ),
    )
  ).flat();
  const offsetsOf = () =>
    target.to === 'start'
      ? Promise.resolve(ranges.map(({ topic, partition, low }) => ({ topic, partition, offset: low })))
      : scanForFirst(kafka, config, group, ranges, matcherFor(target));
  // A broker with DescribeGroups: a group with members is refused without joining it (joining would
  // rebalance its live members), an empty one gets its offsets through the admin API.
  const members = await membership(admin, group);
  if (members === 'active') throw new KafkaGroupActiveError(group);
  if (members === 'idle') return setWithAdmin(admin, group, await offsetsOf());
  // No DescribeGroups (librdkafka's mock): join the group alone and commit as its only member; a
  // group with members shows in the assignment, and is refused then.
  // Joining takes seconds (the broker waits for more members); do it while the scan reads.
  const joining = joinAlone(kafka, config, group, ranges);
  joining.catch(() => undefined);
  let member: Consumer | undefined;
  try {
    const offsets = await offsetsOf();
    member = await joining;
    await member.commitOffsets(offsets);
  } finally {
    member ??= await joining.catch(() => undefined);
    await member?.disconnect();
  }
}
