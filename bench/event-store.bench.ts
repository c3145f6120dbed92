/**
 * SqliteEventStore against raw better-sqlite3 doing the same work minus the thing measured, at
 * `synchronous=FULL` (the default) and at NORMAL in the same run:
 *
 *   - appends with an exact expected revision, 1 event and 10 events each. Baseline: the same check and
 *     inserts, in an immediate transaction, on a minimal events table (stream id, revision, type, data,
 *     metadata; primary key only) at the same `synchronous` level. The ratio is what the adapter's
 *     schema and code cost.
 *   - the cost of each piece of the adapter's schema: the same raw appends on the minimal table plus
 *     the adapter's columns, then plus one index (or AUTOINCREMENT) at a time (see event-store-tables.ts).
 *   - replay of the whole log (REPLAY_EVENTS events) in events/s against a raw SELECT building the same
 *     envelopes, and peak RSS / heap while the adapter replays.
 *
 * Every side writes its own file; the sides take turns of TURN appends so that all see the same disk
 * (fsync latency drifts a lot on shared VMs). Run: `npm run bench:event-store`. BENCH_DIR picks the
 * folder for the database files (default: the OS temp folder); it must be a real disk, since a tmpfs
 * turns durable commits into memory writes.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { NewEvent } from '../libs/event-store/src/lib/event-store.port';
import { SqliteEventStore } from '../libs/event-store/src/lib/sqlite/sqlite-event-store';
import type { SqliteSynchronous } from '../libs/event-store/src/lib/sqlite/sqlite-schema';
import { benchSize } from './bench-size';
import { replayMemory, replayRates } from './event-store-replay';
import { RAW_TABLES, openRawTable, type Expected, type RawTableName } from './event-store-tables';

const ROUNDS = benchSize(3, { min: 1 });
const SINGLE_APPENDS = benchSize(2000, { min: 50 });
const BATCH_APPENDS = benchSize(1000, { min: 50 });
const BATCH_SIZE = 10;
const STREAMS = 100;
const REPLAY_EVENTS = benchSize(200_000, { min: 1000 }); // a whole number of REPLAY_TURNs below
const REPLAY_TURN = Math.min(10_000, REPLAY_EVENTS);
const LEVELS: SqliteSynchronous[] = ['FULL', 'NORMAL'];
/** Appends per turn. */
const TURN = 50;

const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'okr-event-store-bench-'));

/** Ids are UUIDv7, as the services make them (time-ordered: an index on them grows at its end). */
const event = (index: number): NewEvent => ({
  id: uuidv7(),
  type: 'KeyResultCheckedIn',
  data: { keyResultId: uuidv7(), value: index % 100, confidence: 0.7, note: 'Shipped the onboarding experiment; churn fell.' },
  metadata: {
    tenantId: 'tenant-acme',
    actor: 'user-42',
    correlationId: uuidv7(),
    causationId: uuidv7(),
    occurredAt: new Date(1_750_000_000_000 + index * 1000).toISOString(),
  },
});

/** Appends prepared up front, so every side times only the store. */
const workload = (appends: number, size: number): { streamId: string; events: NewEvent[] }[] => {
  const streams = Array.from({ length: STREAMS }, () => `objective-${uuidv7()}`);
  return Array.from({ length: appends }, (_, index) => ({
    streamId: streams[index % STREAMS],
    events: Array.from({ length: size }, (_, offset) => event(index * size + offset)),
  }));
};

type SideName = 'adapter' | RawTableName;
interface Side {
  append(streamId: string, events: readonly NewEvent[], expected: Expected): Promise<number> | number;
  close(): Promise<void> | void;
}

const openSide = (name: SideName, file: string, synchronous: SqliteSynchronous): Side => {
  if (name !== 'adapter') return openRawTable(file, RAW_TABLES[name], synchronous);
  const store = SqliteEventStore.open({ file, synchronous });
  return {
    append: async (streamId, events, expected) => (await store.append(streamId, events, expected)).nextExpectedRevision,
    close: () => store.close(),
  };
};

/** Appends/s of each side, taking turns of TURN appends (the first side rotates every turn). */
const appendRates = async (
  names: readonly SideName[],
  synchronous: SqliteSynchronous,
  tag: string,
  appends: number,
  size: number,
): Promise<Record<string, number>> => {
  const sides = names.map((name) => ({
    name,
    side: openSide(name, join(dir, `${tag}-${name}.db`), synchronous),
    work: workload(appends, size),
    revisions: new Map<string, Expected>(),
    seconds: 0,
  }));
  for (let from = 0, turn = 0; from < appends; from += TURN, turn += 1) {
    for (let offset = 0; offset < sides.length; offset += 1) {
      const current = sides[(turn + offset) % sides.length];
      const started = performance.now();
      for (const { streamId, events } of current.work.slice(from, from + TURN)) {
        current.revisions.set(streamId, await current.side.append(streamId, events, current.revisions.get(streamId) ?? 'no_stream'));
      }
      current.seconds += (performance.now() - started) / 1000;
    }
  }
  for (const { side } of sides) await side.close();
  for (const { name } of sides) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `${tag}-${name}.db${suffix}`), { force: true });
  }
  return Object.fromEntries(sides.map(({ name, seconds }) => [name, appends / seconds]));
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
const spread = (values: number[]): string => `${rate(median(values))} (${rate(Math.min(...values))}-${rate(Math.max(...values))})`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Median over rounds of the per-round ratio a/b (the sides of a round saw the same disk). */
const ratio = (rounds: Record<string, number>[], a: string, b: string): number => median(rounds.map((round) => round[a] / round[b]));

async function measureLevel(synchronous: SqliteSynchronous): Promise<{ single: number; batched: number }> {
  const batchSides: SideName[] = ['adapter', ...(Object.keys(RAW_TABLES) as RawTableName[])];
  const single: Record<string, number>[] = [];
  const batched: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    single.push(await appendRates(['adapter', 'minimal'], synchronous, `${synchronous}-single-${round}`, SINGLE_APPENDS, 1));
    batched.push(await appendRates(batchSides, synchronous, `${synchronous}-batch-${round}`, BATCH_APPENDS, BATCH_SIZE));
  }
  const events = (name: string) => batched.map((round) => round[name] * BATCH_SIZE);
  console.log(`\nsynchronous=${synchronous}: median of ${ROUNDS} rounds (min-max); ratios are medians of per-round ratios`);
  console.log(`${'append with expected revision'.padEnd(52)}${'adapter'.padStart(26)}${'minimal table'.padStart(26)}${'adapter/minimal'.padStart(17)}`);
  const headline = [
    [`1 event (appends/s, ${rate(SINGLE_APPENDS)} appends)`, single.map((r) => r['adapter']), single.map((r) => r['minimal']), ratio(single, 'adapter', 'minimal')],
    [`${BATCH_SIZE} events (events/s, ${rate(BATCH_APPENDS)} appends)`, events('adapter'), events('minimal'), ratio(batched, 'adapter', 'minimal')],
  ] as const;
  for (const [name, adapter, minimal, value] of headline) {
    console.log(`${name.padEnd(52)}${spread([...adapter]).padStart(26)}${spread([...minimal]).padStart(26)}${value.toFixed(2).padStart(17)}`);
  }
  console.log(`\n${`what each piece costs: raw ${BATCH_SIZE}-event appends (events/s)`.padEnd(52)}${''.padStart(26)}${'/minimal'.padStart(10)}${'/columns'.padStart(10)}`);
  for (const name of Object.keys(RAW_TABLES) as RawTableName[]) {
    const alone = ['uniqueId', 'autoincrement', 'category', 'streamOccurredAt'].includes(name);
    const versusColumns = alone ? ratio(batched, name, 'columns').toFixed(2) : '';
    console.log(`${RAW_TABLES[name].label.padEnd(52)}${spread(events(name)).padStart(26)}${ratio(batched, name, 'minimal').toFixed(2).padStart(10)}${versusColumns.padStart(10)}`);
  }
  console.log(`${'adapter (SqliteEventStore: schema 3, chain hash)'.padEnd(52)}${spread(events('adapter')).padStart(26)}${ratio(batched, 'adapter', 'minimal').toFixed(2).padStart(10)}`);
  return { single: ratio(single, 'adapter', 'minimal'), batched: ratio(batched, 'adapter', 'minimal') };
}

async function measureReplay(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const file = join(dir, 'replay.db');
  const seeder = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
  for (let index = 0; index < REPLAY_EVENTS / 1000; index += 1) {
    await seeder.append(`objective-${uuidv7()}`, Array.from({ length: 1000 }, (_, offset) => event(index * 1000 + offset)), 'no_stream');
  }
  await seeder.close();
  const logBytes = statSync(file).size;
  const memory = await replayMemory(file, REPLAY_EVENTS);
  const rounds: Awaited<ReturnType<typeof replayRates>>[] = [];
  for (let round = 0; round < ROUNDS; round += 1) rounds.push(await replayRates(file, REPLAY_EVENTS, REPLAY_TURN));
  const pick = (key: 'adapter' | 'raw' | 'rawNoParse') => rounds.map((round) => round[key]);
  console.log(
    `\nreplay of ${rate(REPLAY_EVENTS)} events (events/s): adapter ${spread(pick('adapter'))}, raw SELECT building the same envelopes ` +
      `${spread(pick('raw'))}, ratio ${median(rounds.map((round) => round.adapter / round.raw)).toFixed(2)}; ` +
      `raw SELECT without JSON.parse ${rate(median(pick('rawNoParse')))}`,
  );
  console.log(
    `replay memory (adapter alone): log file ${mb(logBytes)}; before rss ${mb(memory.before.rss)}, heap ${mb(memory.before.heapUsed)}; ` +
      `peak rss ${mb(memory.peakRss)}, heap ${mb(memory.peakHeap)}${gc ? '' : ' (run node with --expose-gc for a cleaner baseline)'}`,
  );
}

async function main(): Promise<void> {
  const probe = new Database(':memory:');
  const sqliteVersion = String(probe.prepare('select sqlite_version()').pluck().get());
  probe.close();
  console.log(`event-store bench: node ${process.version}, SQLite ${sqliteVersion}, ${availableParallelism()} cpus, files in ${dir}`);
  const summary: string[] = [];
  for (const level of LEVELS) {
    const { single, batched } = await measureLevel(level);
    summary.push(`${level}: ${single.toFixed(2)} (1 event), ${batched.toFixed(2)} (${BATCH_SIZE} events)`);
  }
  await measureReplay();
  console.log(`\nadapter/minimal table, appends: ${summary.join('; ')}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
