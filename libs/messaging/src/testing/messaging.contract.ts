import type { EventMetadata } from '@okr/okr-domain';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { IntegrationEvent } from '../lib/integration-event';
import type {
  ConsumerOptions,
  DeadLetter,
  EventHandler,
  IntegrationEventConsumer,
  RunningConsumer,
} from '../lib/messaging.port';
import { TOPICS } from '../lib/topics';
import { sleep, waitFor } from './wait-for';

/** An event as the contract produces it; the adapter side assigns revision and position. */
export interface ProducedEvent {
  streamId: string;
  type: string;
  data: unknown;
  metadata?: Partial<EventMetadata>;
  /** UUID v7; the fixture generates one when absent. */
  id?: string;
}

/**
 * What {@link messagingContract} needs from an adapter. Both adapters must give events the envelope
 * the event store would: `revision` counts from 0 per new stream in produce order, and `position`
 * strictly increases in produce order across the topic.
 */
export interface MessagingFixture {
  /** Creates a new consumer client (a new "process"), e.g. for restarts and two-member tests. */
  newConsumer(): Promise<IntegrationEventConsumer>;
  /**
   * Makes events available on a topic, in the given order. Kafka: the publisher. Embedded: appends
   * to the event store (the store assigns revision/position, so assertions must use ids, types, keys
   * and order — not positions given in).
   */
  produce(topic: string, events: ProducedEvent[]): Promise<void>;
  /** Dead letters of a group for a topic, oldest first. */
  deadLetters(group: string, topic: string): Promise<DeadLetter[]>;
  cleanup(): Promise<void>;
}

/** How long any single wait may take: a Kafka group join on the mock alone takes 3-5 s. */
// Generous: these bounds only matter when something is broken, and rebalances on a loaded 2-core CI machine are slow.
const WAIT_MS = 45_000;
const TEST_MS = 150_000;
const TOPIC = TOPICS.goals.name;
const RETRY = { initialMs: 10, maxMs: 50 } as const;

const uniqueGroup = (label: string): string => `contract-${label}-${randomUUID().slice(0, 8)}`;
const newStream = (): string => `objective-${uuidv7()}`;
const aggregateIdOf = (streamId: string): string => streamId.slice('objective-'.length);

const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  tenantId: 'tenant-contract',
  actor: 'user-contract',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  ...overrides,
});

/** An event as this suite builds it: id and full metadata known up front. */
type ContractEvent = ProducedEvent & { id: string; metadata: EventMetadata };

/** An event of this test; `seq` in data tells produce order apart from adapter-assigned numbers. */
const event = (streamId: string, type: string, seq: number, meta: Partial<EventMetadata> = {}): ContractEvent => ({
  id: uuidv7(),
  streamId,
  type,
  data: { seq },
  metadata: metadata(meta),
});

/** Round-robin over streams: `rounds` events per stream, interleaved, one type. */
const interleaved = (streams: readonly string[], rounds: number, type: string): ContractEvent[] => {
  const events: ContractEvent[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const streamId of streams) events.push(event(streamId, type, round));
  }
  return events;
};

/** Collects what handlers received for this test's own streams (a new group also sees older tests' events). */
class Recorder {
  readonly received: IntegrationEvent[] = [];
  private readonly streams: Set<string>;

  constructor(streams: Iterable<string>) {
    this.streams = new Set(streams);
  }

  mine(event: IntegrationEvent): boolean {
    return this.streams.has(event.streamId);
  }

  readonly handler: EventHandler = async (event) => {
    if (this.mine(event)) this.received.push(event);
  };

  ids(): string[] {
    return this.received.map((event) => event.id);
  }

  has(id: string): boolean {
    return this.received.some((event) => event.id === id);
  }

  hasAll(ids: readonly string[]): boolean {
    const seen = new Set(this.ids());
    return ids.every((id) => seen.has(id));
  }

  missing(ids: readonly string[]): string {
    const seen = new Set(this.ids());
    const missing = ids.filter((id) => !seen.has(id));
    return `${missing.length} of ${ids.length} events (received ${this.received.length})`;
  }
}

const idsOf = (events: readonly { id: string }[]): string[] => events.map((event) => event.id);
const seqOf = (event: IntegrationEvent): number => (event.data as { seq: number }).seq;

/** How {@link messagingContract} runs. */
export interface MessagingContractOptions {
  /**
   * Run the tests at the same time (`it.concurrent`). They never share groups or streams, so this
   * only saves time; Kafka wants it, because every group join on the mock waits about 3 s.
   */
  concurrent?: boolean;
}

/**
 * The one behaviour suite every messaging adapter (Kafka, embedded) must pass. It runs on the real
 * topic `okr.goals.v1` with fresh aggregate ids and group names per test, so it can share a broker
 * or an event store with other tests; handlers therefore filter by the test's own stream ids.
 *
 * Semantics it pins down:
 * - a new group starts at the beginning of the topic;
 * - reset to `position` P resumes with the first event whose `position` > P;
 * - reset to `instant` T resumes with the first event whose `metadata.occurredAt` >= T (in log order).
 */
export function messagingContract(
  name: string,
  fixture: () => Promise<MessagingFixture>,
  options: MessagingContractOptions = {},
): void {
  describe(`${name} (messaging contract)`, () => {
    let subject: MessagingFixture;

    beforeAll(async () => {
      subject = await fixture();
    }, TEST_MS);

    afterAll(async () => {
      await subject?.cleanup();
    }, TEST_MS);

    /** Consumers and members of one test, stopped and closed after it even when it failed half-way. */
    const scope = () => {
      const consumers: IntegrationEventConsumer[] = [];
      const running = new Set<RunningConsumer>();
      return {
        newConsumer: async (): Promise<IntegrationEventConsumer> => {
          const consumer = await subject.newConsumer();
          consumers.push(consumer);
          return consumer;
        },
        start: async (consumer: IntegrationEventConsumer, options: ConsumerOptions): Promise<RunningConsumer> => {
          const member = await consumer.start({ retry: RETRY, ...options });
          const tracked: RunningConsumer = {
            stop: async () => {
              running.delete(tracked);
              await member.stop();
            },
          };
          running.add(tracked);
          return tracked;
        },
        dispose: async (): Promise<void> => {
          await Promise.allSettled([...running].map((member) => member.stop()));
          await Promise.allSettled(consumers.map((consumer) => consumer.close()));
        },
      };
    };
    type Scope = ReturnType<typeof scope>;

    // Hooks do not line up with concurrent tests, so each test cleans up after itself.
    const contractTest = (title: string, body: (t: Scope) => Promise<void>): void =>
      (options.concurrent ? it.concurrent : it)(
        title,
        async () => {
          const t = scope();
          try {
            await body(t);
          } finally {
            await t.dispose();
          }
        },
        TEST_MS,
      );

    const produce = (events: ProducedEvent[]): Promise<void> => subject.produce(TOPIC, events);

    contractTest(
      'delivers every event to a group with the envelope intact',
      async (t) => {
        const [a, b] = [newStream(), newStream()];
        const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        const produced = [
          event(a, 'ObjectiveDefined', 0, { traceparent, tenantId: 'tenant-envelope' }),
          event(b, 'ObjectiveDefined', 0),
          event(a, 'KeyResultAdded', 1, { importedAt: new Date().toISOString() }),
          event(a, 'ObjectiveAligned', 2),
        ];
        const recorder = new Recorder([a, b]);
        const handlers = { ObjectiveDefined: recorder.handler, KeyResultAdded: recorder.handler, ObjectiveAligned: recorder.handler };
        await t.start(await t.newConsumer(), { group: uniqueGroup('envelope'), topics: [TOPIC], handlers });
        await produce(produced);

        await waitFor(() => recorder.hasAll(idsOf(produced)), WAIT_MS, () => recorder.missing(idsOf(produced)));

        const revisions: Record<string, number> = { [a]: 0, [b]: 0 };
        for (const sent of produced) {
          const got = recorder.received.find((received) => received.id === sent.id);
          expect(got).toMatchObject({
            id: sent.id,
            type: sent.type,
            streamId: sent.streamId,
            key: aggregateIdOf(sent.streamId),
            revision: revisions[sent.streamId]++,
            data: sent.data,
          });
          // Every metadata field, and nothing else: consumers see the same shape on every adapter.
          expect(got?.metadata).toEqual(sent.metadata);
          expect(got?.schemaVersion).toBeGreaterThanOrEqual(1);
          expect(Number.isInteger(got?.position)).toBe(true);
        }
        const positionsOfA = recorder.received.filter((received) => received.streamId === a).map((received) => received.position);
        expect([...positionsOfA].sort((x, y) => x - y)).toEqual(positionsOfA);
        expect(new Set(positionsOfA).size).toBe(3);
      },
    );

    contractTest(
      'delivers events in order per key, with many keys interleaved',
      async (t) => {
        const streams = Array.from({ length: 4 }, newStream);
        const produced = interleaved(streams, 50, 'KeyResultProgressRecorded');
        await produce(produced);
        const recorder = new Recorder(streams);
        await t.start(await t.newConsumer(), {
          group: uniqueGroup('order'),
          topics: [TOPIC],
          handlers: { KeyResultProgressRecorded: recorder.handler },
        });

        await waitFor(() => recorder.hasAll(idsOf(produced)), WAIT_MS, () => recorder.missing(idsOf(produced)));

        const expected = Array.from({ length: 50 }, (_, index) => index);
        for (const streamId of streams) {
          const ofStream = recorder.received.filter((received) => received.streamId === streamId);
          expect(ofStream.map(seqOf)).toEqual(expected);
          expect(ofStream.map((received) => received.revision)).toEqual(expected);
        }
      },
    );

    contractTest(
      'dispatches by type; events of other types are acknowledged and skipped',
      async (t) => {
        const stream = newStream();
        const produced = [
          event(stream, 'ObjectiveDefined', 0),
          event(stream, 'ObjectiveRenamed', 1),
          event(stream, 'KeyResultAdded', 2),
          event(stream, 'ObjectiveRenamed', 3),
        ];
        const group = uniqueGroup('types');
        const first = new Recorder([stream]);
        const member = await t.start(await t.newConsumer(), {
          group,
          topics: [TOPIC],
          handlers: { ObjectiveDefined: first.handler, KeyResultAdded: first.handler },
        });
        await produce(produced);
        await waitFor(() => first.received.length >= 2, WAIT_MS, () => `2 handled events, got ${first.received.length}`);
        // The trailing unhandled event has no handled successor to wait for: give it time to be acknowledged.
        await sleep(500);
        await member.stop();
        expect(first.received.map((received) => received.type)).toEqual(['ObjectiveDefined', 'KeyResultAdded']);

        // The same group, now handling every type: only what comes after is delivered.
        const second = new Recorder([stream]);
        const all = { ObjectiveDefined: second.handler, ObjectiveRenamed: second.handler, KeyResultAdded: second.handler };
        await t.start(await t.newConsumer(), { group, topics: [TOPIC], handlers: all });
        const sentinel = event(stream, 'KeyResultAdded', 4);
        await produce([sentinel]);
        await waitFor(() => second.has(sentinel.id), WAIT_MS, () => 'the sentinel event');
        expect(second.ids()).toEqual([sentinel.id]);
      },
    );

    contractTest(
      'moves the group position only after success: a restarted group loses nothing and resumes after the last acknowledged event',
      async (t) => {
        const stream = newStream();
        const produced = Array.from({ length: 30 }, (_, seq) => event(stream, 'CheckInRecorded', seq));
        await produce(produced);
        const group = uniqueGroup('resume');
        const firstIds: string[] = [];
        const member = await t.start(await t.newConsumer(), {
          group,
          topics: [TOPIC],
          handlers: {
            CheckInRecorded: async (received) => {
              if (received.streamId !== stream) return;
              await sleep(20);
              firstIds.push(received.id);
            },
          },
        });
        await waitFor(() => firstIds.length >= 5, WAIT_MS, () => `5 handled events, got ${firstIds.length}`);
        await member.stop();
        expect(firstIds.length).toBeLessThan(produced.length);

        const second = new Recorder([stream]);
        await t.start(await t.newConsumer(), { group, topics: [TOPIC], handlers: { CheckInRecorded: second.handler } });
        const remaining = idsOf(produced).filter((id) => !firstIds.includes(id));
        await waitFor(() => second.hasAll(remaining), WAIT_MS, () => second.missing(remaining));

        const all = new Set([...firstIds, ...second.ids()]);
        expect(idsOf(produced).filter((id) => !all.has(id))).toEqual([]);
        // Acknowledged events are not all replayed: at the very least the first one stays done.
        expect(second.has(firstIds[0])).toBe(false);
        expect(firstIds.filter((id) => second.has(id)).length).toBeLessThan(firstIds.length);
        // What the new member got is in order.
        expect(second.received.map(seqOf)).toEqual([...second.received.map(seqOf)].sort((x, y) => x - y));
      },
    );

    contractTest(
      'retries a handler that fails transiently until it succeeds',
      async (t) => {
        const stream = newStream();
        const [flaky, next] = [event(stream, 'ObjectiveDefined', 0), event(stream, 'ObjectiveDefined', 1)];
        const attempts = new Map<string, number>();
        const handled: string[] = [];
        const group = uniqueGroup('retry');
        await t.start(await t.newConsumer(), {
          group,
          topics: [TOPIC],
          maxAttempts: 5,
          handlers: {
            ObjectiveDefined: async (received) => {
              if (received.streamId !== stream) return;
              const attempt = (attempts.get(received.id) ?? 0) + 1;
              attempts.set(received.id, attempt);
              if (received.id === flaky.id && attempt < 3) throw new Error(`transient failure ${attempt}`);
              handled.push(received.id);
            },
          },
        });
        await produce([flaky, next]);

        await waitFor(() => handled.includes(next.id), WAIT_MS, () => `the event after the flaky one (handled: ${handled.length})`);
        expect(attempts.get(flaky.id)).toBe(3);
        expect(handled).toEqual([flaky.id, next.id]);
        expect(await subject.deadLetters(group, TOPIC)).toEqual([]);
      },
    );

    contractTest(
      'sends a poison event to the dead letters with its error and attempts, then handles the next event of the key',
      async (t) => {
        const stream = newStream();
        const produced = [
          event(stream, 'ObjectiveDefined', 0),
          event(stream, 'ObjectiveArchived', 1),
          event(stream, 'ObjectiveDefined', 2),
        ];
        const poison = produced[1];
        const group = uniqueGroup('poison');
        const log: string[] = [];
        const recorder = new Recorder([stream]);
        await t.start(await t.newConsumer(), {
          group,
          topics: [TOPIC],
          maxAttempts: 3,
          handlers: {
            ObjectiveDefined: async (received) => {
              if (recorder.mine(received)) log.push(`handled ${seqOf(received)}`);
              await recorder.handler(received);
            },
            ObjectiveArchived: async (received) => {
              if (!recorder.mine(received)) return;
              log.push(`failed ${seqOf(received)}`);
              throw new Error(`poison pill ${received.id}`);
            },
          },
        });
        await produce(produced);

        await waitFor(() => recorder.has(produced[2].id), WAIT_MS, () => `the event after the poison one (log: ${log.join(', ')})`);
        expect(log).toEqual(['handled 0', 'failed 1', 'failed 1', 'failed 1', 'handled 2']);

        let letters: DeadLetter[] = [];
        await waitFor(
          async () => (letters = await subject.deadLetters(group, TOPIC)).length > 0,
          WAIT_MS,
          () => `a dead letter for group ${group}`,
        );
        expect(letters).toHaveLength(1);
        const [letter] = letters;
        expect(letter).toMatchObject({ group, topic: TOPIC, attempts: 3 });
        expect(letter.error).toContain(`poison pill ${poison.id}`);
        expect(letter.event).toMatchObject({
          id: poison.id,
          type: poison.type,
          streamId: stream,
          key: aggregateIdOf(stream),
          revision: 1,
          data: poison.data,
          metadata: poison.metadata,
        });
        expect(Number.isNaN(Date.parse(letter.failedAt))).toBe(false);
      },
    );

    contractTest(
      'gives every group every event',
      async (t) => {
        const streams = [newStream(), newStream()];
        const produced = interleaved(streams, 5, 'KeyResultAdded');
        const [one, two] = [new Recorder(streams), new Recorder(streams)];
        await Promise.all([
          t.newConsumer().then((consumer) =>
            t.start(consumer, { group: uniqueGroup('one'), topics: [TOPIC], handlers: { KeyResultAdded: one.handler } }),
          ),
          t.newConsumer().then((consumer) =>
            t.start(consumer, { group: uniqueGroup('two'), topics: [TOPIC], handlers: { KeyResultAdded: two.handler } }),
          ),
        ]);
        await produce(produced);

        const ids = idsOf(produced);
        await waitFor(() => one.hasAll(ids) && two.hasAll(ids), WAIT_MS, () => `group one: ${one.missing(ids)}; group two: ${two.missing(ids)}`);
        expect(new Set(one.ids())).toEqual(new Set(ids));
        expect(new Set(two.ids())).toEqual(new Set(ids));
      },
    );

    contractTest(
      'says a group is caught up only once it has finished every event written to its topics',
      async (t) => {
        const streams = [newStream(), newStream()];
        const produced = interleaved(streams, 2, 'KeyResultAdded');
        await produce(produced);
        const group = uniqueGroup('caught-up');
        const consumer = await t.newConsumer();
        // A group new to the bus, with events to read, is behind.
        expect(await consumer.caughtUp(group, [TOPIC])).toBe(false);
        const recorder = new Recorder(streams);
        await t.start(consumer, { group, topics: [TOPIC], handlers: { KeyResultAdded: recorder.handler } });
        await waitFor(() => consumer.caughtUp(group, [TOPIC]), WAIT_MS, () => `group ${group} caught up`);
        expect(recorder.hasAll(idsOf(produced))).toBe(true);
      },
    );

    /** Consumes `produced` in a new group, stops, resets, restarts: returns what the restart delivered. */
    const consumeResetAndRestart = async (
      t: Scope,
      label: string,
      streams: readonly string[],
      produced: readonly ContractEvent[],
      target: (firstRun: readonly IntegrationEvent[]) => Parameters<IntegrationEventConsumer['reset']>[2],
      expectedAfterReset: (firstRun: readonly IntegrationEvent[]) => string[],
    ): Promise<{ firstRun: IntegrationEvent[]; secondRun: Recorder; expected: string[] }> => {
      const group = uniqueGroup(label);
      const type = produced[0].type;
      const first = new Recorder(streams);
      const consumer = await t.newConsumer();
      const member = await t.start(consumer, { group, topics: [TOPIC], handlers: { [type]: first.handler } });
      const ids = idsOf(produced);
      await waitFor(() => first.hasAll(ids), WAIT_MS, () => first.missing(ids));
      await member.stop();

      await consumer.reset(group, [TOPIC], target(first.received));
      const expected = expectedAfterReset(first.received);
      const second = new Recorder(streams);
      await t.start(await t.newConsumer(), { group, topics: [TOPIC], handlers: { [type]: second.handler } });
      await waitFor(() => second.hasAll(expected), WAIT_MS, () => second.missing(expected));
      return { firstRun: first.received, secondRun: second, expected };
    };

    contractTest(
      'resets a stopped group to the start: everything is redelivered',
      async (t) => {
        const streams = [newStream(), newStream()];
        const produced = interleaved(streams, 3, 'ObjectiveDefined');
        await produce(produced);
        const { secondRun } = await consumeResetAndRestart(
          t,
          'reset-start',
          streams,
          produced,
          () => ({ to: 'start' }),
          () => idsOf(produced),
        );
        expect(new Set(secondRun.ids())).toEqual(new Set(idsOf(produced)));
      },
    );

    contractTest(
      'resets a stopped group to a position: resumes with the first event whose position is greater',
      async (t) => {
        const streams = [newStream(), newStream(), newStream()];
        // Every key has events on both sides of the reset point, so an event at or before it that was
        // redelivered would arrive before the awaited later ones of its key.
        const produced = interleaved(streams, 4, 'KeyResultTargetRevised');
        await produce(produced);
        const order = new Map(idsOf(produced).map((id, index) => [id, index]));
        const byProduceOrder = (events: readonly IntegrationEvent[]) =>
          [...events].sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
        const positionAt = (events: readonly IntegrationEvent[]) => byProduceOrder(events)[5].position;

        const { firstRun, secondRun, expected } = await consumeResetAndRestart(
          t,
          'reset-position',
          streams,
          produced,
          (events) => ({ to: 'position', position: positionAt(events) }),
          (events) => byProduceOrder(events).slice(6).map((received) => received.id),
        );
        const positions = byProduceOrder(firstRun).map((received) => received.position);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
        expect(expected).toHaveLength(6);
        const reset = positionAt(firstRun);
        expect(secondRun.received.filter((received) => received.position <= reset).map((received) => received.id)).toEqual([]);
        expect(new Set(secondRun.ids())).toEqual(new Set(expected));
      },
    );

    contractTest(
      'resets a stopped group to an instant: redelivers the events that occurred at or after it',
      async (t) => {
        const streams = [newStream(), newStream(), newStream()];
        const before = interleaved(streams, 2, 'CheckInRecorded');
        await produce(before);
        // Taken once `before` is stored: an event of another (concurrent) test that occurred at or after
        // the instant can only land behind `before` in the log.
        const lastBefore = Math.max(...before.map((sent) => Date.parse(sent.metadata.occurredAt)));
        const instant = new Date(Math.max(Date.now(), lastBefore + 1));
        await sleep(5);
        const after = interleaved(streams, 2, 'CheckInRecorded').map((sent) => ({
          ...sent,
          metadata: { ...sent.metadata, occurredAt: new Date(Math.max(Date.now(), instant.getTime())).toISOString() },
        }));
        await produce(after);

        const { secondRun } = await consumeResetAndRestart(
          t,
          'reset-instant',
          streams,
          [...before, ...after],
          () => ({ to: 'instant', at: instant }),
          () => idsOf(after),
        );
        expect(new Set(secondRun.ids())).toEqual(new Set(idsOf(after)));
      },
    );

    contractTest(
      'stops gracefully: the in-flight handler completes before stop resolves, and its event is not redelivered',
      async (t) => {
        const stream = newStream();
        const [slow, next] = [event(stream, 'ObjectiveDefined', 0), event(stream, 'ObjectiveDefined', 1)];
        const group = uniqueGroup('graceful');
        let started = false;
        let finished = false;
        const first = new Recorder([stream]);
        const member = await t.start(await t.newConsumer(), {
          group,
          topics: [TOPIC],
          handlers: {
            ObjectiveDefined: async (received) => {
              if (received.id === slow.id) {
                started = true;
                await sleep(400);
                finished = true;
              }
              await first.handler(received);
            },
          },
        });
        await produce([slow, next]);
        await waitFor(() => started, WAIT_MS, () => 'the slow handler to start');
        await member.stop();
        expect(finished).toBe(true);

        const sentinel = event(stream, 'ObjectiveDefined', 2);
        await produce([sentinel]);
        const second = new Recorder([stream]);
        await t.start(await t.newConsumer(), { group, topics: [TOPIC], handlers: { ObjectiveDefined: second.handler } });
        await waitFor(() => second.has(sentinel.id), WAIT_MS, () => 'the sentinel event');
        expect(second.has(slow.id)).toBe(false);
        // `next` may have been handled before the stop took effect, or by the new member, but not lost.
        expect(first.has(next.id) || second.has(next.id)).toBe(true);
      },
    );
  });
}
