import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProtectedEventStore, SqliteEventStore, SqliteKeyStore, type NewEvent } from '@okr/event-store';
import type { IntegrationEvent } from '../integration-event';
import type { ConsumerOptions, EventHandler, RunningConsumer } from '../messaging.port';
import { TOPICS } from '../topics';
import { GroupActiveError } from './bus-tables';
import { EmbeddedConsumer, type EmbeddedConsumerOptions } from './embedded-consumer';

const GOALS = TOPICS.goals.name;
const CHECK_INS = TOPICS.checkIns.name;

const newEvent = (type: string, data: Record<string, unknown> = {}, occurredAt = new Date().toISOString()): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { tenantId: 'tenant-a', actor: 'user-1', correlationId: randomUUID(), causationId: randomUUID(), occurredAt },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
const eventually = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
};

/** A handler that records what it was given. */
const recorder = () => {
  const events: IntegrationEvent[] = [];
  const handler: EventHandler = async (event) => void events.push(event);
  return { events, handler, data: () => events.map((event) => (event.data as { n: number }).n) };
};

describe('EmbeddedConsumer', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  const clients: EmbeddedConsumer[] = [];
  const stores: SqliteEventStore[] = [];

  const client = (options: Partial<EmbeddedConsumerOptions> = {}): EmbeddedConsumer => {
    const consumer = new EmbeddedConsumer({ store, file, leaseTtlMs: 600, pollIntervalMs: 20, ...options });
    clients.push(consumer);
    return consumer;
  };
  /** Another store and client on the same file, as another process would have. */
  const otherProcess = (options: Partial<EmbeddedConsumerOptions> = {}): EmbeddedConsumer => {
    const own = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
    stores.push(own);
    return client({ store: own, ...options });
  };
  const append = async (streamId: string, ...events: NewEvent[]): Promise<number> =>
    (await store.append(streamId, events, 'any')).position;
  const counted = (n: number) => newEvent('Counted', { n });
  const group = (): string => `group-${randomUUID()}`;
  const goals = (handlers: ConsumerOptions['handlers'], extra: Partial<ConsumerOptions> = {}): ConsumerOptions => ({
    group: 'g',
    topics: [GOALS],
    handlers,
    ...extra,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-embedded-bus-'));
    file = join(dir, 'events.db');
    store = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
  });

  afterEach(async () => {
    for (const consumer of clients.splice(0)) await consumer.close();
    for (const own of stores.splice(0)) await own.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the topic\'s categories in global log order, skips other categories and unhandled types', async () => {
    const seen = recorder();
    await append('objective-1', counted(0), newEvent('Unhandled'));
    await append('checkins-1', counted(99));
    await append('cycle-1', counted(1));
    const last = await append('objective-2', counted(2));

    const consumer = client();
    await consumer.start(goals({ Counted: seen.handler }));
    await eventually(() => seen.events.length === 3, '3 events');
    await append('objective-1', counted(3));
    await eventually(() => seen.events.length === 4, 'a live event');

    expect(seen.data()).toEqual([0, 1, 2, 3]);
    expect(seen.events.map((event) => event.position)).toEqual([...seen.events.map((event) => event.position)].sort((a, b) => a - b));
    expect(seen.events[2]).toMatchObject({ streamId: 'objective-2', key: '2', revision: 0, position: last, type: 'Counted' });
    await eventually(async () => ((await consumer.checkpoint('g', GOALS)) ?? -1) > last, 'the checkpoint to pass the live event');
  });

  it('resumes after the last handled event when a new client opens the file (restart)', async () => {
    for (let n = 0; n < 5; n += 1) await append('objective-1', counted(n));
    const first = recorder();
    const before = client();
    const running = await before.start(goals({ Counted: first.handler }));
    await eventually(() => first.events.length === 5, '5 events');
    await running.stop();
    await before.close();
    for (let n = 5; n < 8; n += 1) await append('objective-1', counted(n));

    const second = recorder();
    await otherProcess().start(goals({ Counted: second.handler }));
    await eventually(() => second.events.length === 3, '3 events after the restart');
    await sleep(100);
    expect(second.data()).toEqual([5, 6, 7]);
  });

  it('stop() lets the handler in flight finish and saves its checkpoint', async () => {
    const position = await append('objective-1', counted(0));
    let finished = false;
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const consumer = client();
    const running = await consumer.start(
      goals({
        Counted: async () => {
          entered();
          await sleep(150);
          finished = true;
        },
      }),
    );
    await inHandler;
    await running.stop();
    expect(finished).toBe(true);
    expect(await consumer.checkpoint('g', GOALS)).toBe(position);
  });

  it('retries a failing handler with backoff and moves on after it succeeds', async () => {
    await append('objective-1', counted(0));
    let calls = 0;
    const consumer = client();
    await consumer.start(
      goals(
        {
          Counted: async () => {
            calls += 1;
            if (calls < 3) throw new Error('transient');
          },
        },
        { retry: { initialMs: 5, maxMs: 20 } },
      ),
    );
    await eventually(() => calls === 3, '3 attempts');
    await sleep(50);
    expect(calls).toBe(3);
    expect(await consumer.deadLetters('g', GOALS)).toEqual([]);
  });

  it('tells how far a group is behind its topic (one partition), down to 0 once it has handled everything', async () => {
    await append('objective-1', counted(1));
    await append('objective-2', counted(2));
    const consumer = client();
    expect(await consumer.lag('g', [GOALS])).toEqual([{ topic: GOALS, partition: 0, lag: 2 }]);
    const seen = recorder();
    await consumer.start(goals({ Counted: seen.handler }));
    await eventually(() => seen.events.length === 2, 'both events handled');
    await eventually(async () => (await consumer.lag('g', [GOALS]))[0]?.lag === 0, 'the lag down to 0');
  });

  it('dead-letters a poison event with its error and attempts, then processes the next one', async () => {
    const poisonId = randomUUID();
    const poison = { ...newEvent('Poison', { bad: true }), id: poisonId };
    const poisonPosition = await append('objective-1', poison);
    await append('objective-1', counted(1));
    let attempts = 0;
    const told: unknown[] = [];
    const seen = recorder();
    const consumer = client();
    await consumer.start(
      goals(
        {
          Poison: async () => {
            attempts += 1;
            throw new Error(`cannot handle attempt ${attempts}`);
          },
          Counted: seen.handler,
        },
        { maxAttempts: 3, retry: { initialMs: 5, maxMs: 10 }, onDeadLetter: (letter) => told.push(letter) },
      ),
    );
    await eventually(() => seen.events.length === 1, 'the event after the poison');

    const letters = await consumer.deadLetters('g', GOALS);
    expect(told).toEqual([{ group: 'g', topic: GOALS, type: 'Poison' }]);
    expect(attempts).toBe(3);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      group: 'g',
      topic: GOALS,
      error: 'cannot handle attempt 3',
      attempts: 3,
      event: { id: poisonId, type: 'Poison', streamId: 'objective-1', revision: 0, position: poisonPosition, data: { bad: true } },
    });
    expect(Number.isNaN(Date.parse(letters[0].failedAt))).toBe(false);
    expect(await consumer.deadLetters('other-group', GOALS)).toEqual([]);
  });

  it('lets one member of a group consume; another client takes over when it stops, with no redelivery', async () => {
    const a = recorder();
    const b = recorder();
    const g = group();
    const runningA = await client().start(goals({ Counted: a.handler }, { group: g }));
    await otherProcess().start(goals({ Counted: b.handler }, { group: g }));
    for (let n = 0; n < 20; n += 1) await append(`objective-${n % 3}`, counted(n));
    await eventually(() => a.events.length === 20, 'A to consume 20');
    await sleep(100);
    expect(b.events).toHaveLength(0);

    await runningA.stop();
    for (let n = 20; n < 30; n += 1) await append(`objective-${n % 3}`, counted(n));
    await eventually(() => b.events.length === 10, 'B to take over');
    expect(b.data()).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(a.events).toHaveLength(20);
  });

  it('takes over from a member that died without releasing, once its lease expires', async () => {
    const a = recorder();
    const b = recorder();
    const g = group();
    const leaseTtlMs = 400;
    const dying = client({ leaseTtlMs });
    await dying.start(goals({ Counted: a.handler }, { group: g }));
    await otherProcess({ leaseTtlMs }).start(goals({ Counted: b.handler }, { group: g }));
    for (let n = 0; n < 5; n += 1) await append('objective-1', counted(n));
    await eventually(() => a.events.length === 5, 'A to consume 5');

    // "Kill" A: its connection goes away without stop(), so its lease is neither renewed nor released.
    (dying as unknown as { bus: { close(): void } }).bus.close();
    const killedAt = Date.now();
    for (let n = 5; n < 10; n += 1) await append('objective-1', counted(n));
    await eventually(() => b.events.length === 5, 'B to take over', 5000);

    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(leaseTtlMs / 3);
    expect(b.data()).toEqual([5, 6, 7, 8, 9]);
    expect(a.events).toHaveLength(5);
  });

  it('stops consuming at once when its lease is taken (a stalled member), and never moves the checkpoint', async () => {
    const a = recorder();
    const consumer = client({ leaseTtlMs: 3000 });
    await consumer.start(goals({ Counted: a.handler }));
    const position = await append('objective-1', counted(0));
    await eventually(() => a.events.length === 1, 'the first event');

    const raw = new Database(file);
    raw.prepare('UPDATE bus_leases SET owner = ?, expires_at = ? WHERE "group" = ?').run('intruder', Date.now() + 60_000, 'g');
    raw.close();
    await sleep(1100); // more than a third of the lease: the renewal has noticed
    await append('objective-1', counted(1));
    await sleep(200);

    expect(a.data()).toEqual([0]);
    expect(await consumer.checkpoint('g', GOALS)).toBe(position);
  });

  it('resets a stopped group to the start, to a position and to an instant; refuses while it runs', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    const positions: number[] = [];
    for (let n = 0; n < 6; n += 1) positions.push(await append(`objective-${n % 2}`, newEvent('Counted', { n }, at(n))));
    await append('checkins-1', newEvent('Counted', { n: 100 }, at(4)));
    const consumer = client();
    const runFrom = async (): Promise<number[]> => {
      const seen = recorder();
      const running: RunningConsumer = await consumer.start(goals({ Counted: seen.handler }));
      await eventually(() => seen.events.some((event) => event.position === positions[5]), 'the last event');
      await expect(consumer.reset('g', [GOALS], { to: 'start' })).rejects.toBeInstanceOf(GroupActiveError);
      await running.stop();
      return seen.data();
    };

    expect(await runFrom()).toEqual([0, 1, 2, 3, 4, 5]);
    await consumer.reset('g', [GOALS], { to: 'start' });
    expect(await consumer.checkpoint('g', GOALS)).toBe(-1);
    expect(await runFrom()).toEqual([0, 1, 2, 3, 4, 5]);
    await consumer.reset('g', [GOALS], { to: 'position', position: positions[3] });
    expect(await runFrom()).toEqual([4, 5]);
    await consumer.reset('g', [GOALS], { to: 'instant', at: new Date(at(2)) });
    expect(await consumer.checkpoint('g', GOALS)).toBe(positions[2] - 1);
    expect(await runFrom()).toEqual([2, 3, 4, 5]);
    await consumer.reset('g', [GOALS], { to: 'instant', at: new Date(at(30)) });
    await append('objective-9', newEvent('Counted', { n: 6 }, at(31)));
    positions[5] = (await store.headPosition()) as number;
    expect(await runFrom()).toEqual([6]);
  });

  it('follows several topics in one global order, with a checkpoint per topic', async () => {
    const seen = recorder();
    await append('objective-1', counted(0));
    await append('learning-1', counted(1));
    await append('checkins-1', counted(2));
    const last = await append('cycle-1', counted(3));
    const consumer = client();
    await consumer.start(goals({ Counted: seen.handler }, { topics: [GOALS, CHECK_INS] }));
    await eventually(() => seen.events.length === 4, '4 events');
    expect(seen.data()).toEqual([0, 1, 2, 3]);
    await eventually(async () => (await consumer.checkpoint('g', GOALS)) === last, 'the goals checkpoint');
    expect(await consumer.checkpoint('g', CHECK_INS)).toBe(last);
  });

  it('runs one batch per event-loop turn across every group in the process, so I/O is polled between any two batches', async () => {
    for (let i = 0; i < 40; i += 1) await append(`objective-${i % 4}`, counted(i));
    // Bumped in the timers phase: once per event-loop turn, as each batch below takes longer than its 1 ms.
    let turn = 0;
    const ticker = setInterval(() => (turn += 1), 1);
    const batchTurns: number[] = [];
    const delivered: number[] = [];
    const consumer = client();
    try {
      for (let g = 0; g < 4; g += 1) {
        await consumer.start(
          goals(
            { Counted: async () => undefined },
            {
              group: `turns-${g}`,
              maxBatchSize: 5,
              handleBatch: async (events) => {
                batchTurns.push(turn);
                delivered.push(events.length);
                const until = performance.now() + 2;
                while (performance.now() < until); // a batch that holds the loop, as a read model's transaction does
              },
            },
          ),
        );
      }
      await eventually(() => delivered.reduce((a, b) => a + b, 0) === 160, 'every group to handle the 40 events');
    } finally {
      clearInterval(ticker);
    }
    expect(batchTurns.length).toBeGreaterThanOrEqual(32);
    expect(new Set(batchTurns).size).toBe(batchTurns.length);
  });

  it('sizes batches to the time budget from the last batch\'s time per event, delivering each event once', async () => {
    for (let i = 0; i < 60; i += 1) await append(`objective-${i % 3}`, counted(i));
    const sizes: number[] = [];
    const seen: number[] = [];
    await client({ batchBudgetMs: 20 }).start(
      goals(
        { Counted: async () => undefined },
        {
          maxBatchSize: 50,
          handleBatch: async (events) => {
            sizes.push(events.length);
            seen.push(...events.map((event) => (event.data as { n: number }).n));
            const until = performance.now() + 2 * events.length; // at least 2 ms an event
            while (performance.now() < until);
          },
        },
      ),
    );
    await eventually(() => seen.length >= 60, 'the 60 events');
    expect(seen).toEqual([...Array(60).keys()]);
    // At 2 ms or more an event, a batch that fits 20 ms holds at most 10.
    expect(sizes.slice(1).every((size) => size <= 10)).toBe(true);
    expect(sizes.length).toBeGreaterThan(2);
  });

  it('rejects an unknown topic with a clear error', async () => {
    await expect(client().start(goals({}, { topics: ['okr.nope.v1'] }))).rejects.toThrow(/Unknown topic okr\.nope\.v1/);
  });

  it('hands a group started sealed the events as published (personal data sealed), others opened', async () => {
    const keys = SqliteKeyStore.open({ file: join(dir, 'keys.sqlite') });
    const protectedStore = new ProtectedEventStore(store, keys);
    await protectedStore.append('objective-o1', [newEvent('ObjectiveSet', { objectiveId: 'o1', cycleId: 'c1', teamId: 'web', ownerId: 'ann', title: 'Faster' })], 'no_stream');
    const sealed = recorder();
    const opened = recorder();
    const consumer = client({ store: protectedStore });
    await consumer.start(goals({ ObjectiveSet: sealed.handler }, { group: group(), sealed: true }));
    await consumer.start(goals({ ObjectiveSet: opened.handler }, { group: group() }));
    await eventually(() => sealed.events.length === 1 && opened.events.length === 1, 'both groups');
    expect(sealed.events[0]?.data).toMatchObject({ ownerId: expect.stringMatching(/^pd1\./), title: 'Faster' });
    expect(sealed.events[0]?.metadata.actor).toMatch(/^pd1\./);
    expect(opened.events[0]?.data).toMatchObject({ ownerId: 'ann', title: 'Faster' });
    await keys.close();
  });
});
