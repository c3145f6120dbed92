/**
 * SqliteEventStore against raw better-sqlite3 on the same schema and pragmas, in one run:
 *
 *   - appends/s of 1-event and 10-event appends with an exact expected revision. Raw baseline: the
 *     same revision-check query and prepared inserts inside an immediate transaction.
 *   - replay of the whole log (REPLAY_EVENTS events) in events/s. Raw baselines: iterating one SELECT
 *     and building the same envelopes (same work), and iterating it without parsing the JSON.
 *   - peak RSS / heap while the adapter replays: it holds a page, not the log.
 *
 * Run: `npm run bench` (tools/build.mjs compiles to dist/), or compile by hand with SWC and run with
 * node. BENCH_DIR picks the folder for the database files (default: the OS temp folder); it must be a
 * real disk, since a tmpfs turns durable commits into memory writes. BENCH_SYNCHRONOUS=NORMAL measures
 * the non-default setting.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../libs/event-store/src/lib/event-store.port';
import { SqliteEventStore } from '../libs/event-store/src/lib/sqlite/sqlite-event-store';
import {
  CURRENT_REVISION,
  ENVELOPE_COLUMNS,
  INSERT_EVENT,
  SQLITE_SCHEMA,
  configureSqliteConnection,
  type SqliteSynchronous,
} from '../libs/event-store/src/lib/sqlite/sqlite-schema';
import { benchSize } from './bench-size';

const ROUNDS = benchSize(5, { min: 1 });
const SINGLE_APPENDS = benchSize(2000, { min: 50 });
const BATCH_APPENDS = benchSize(1000, { min: 50 });
const BATCH_SIZE = 10;
const STREAMS = 100;
const REPLAY_EVENTS = benchSize(200_000, { min: 1000 }); // a whole number of REPLAY_TURNs below
const SYNCHRONOUS: SqliteSynchronous = process.env['BENCH_SYNCHRONOUS'] === 'NORMAL' ? 'NORMAL' : 'FULL';

const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'okr-event-store-bench-'));

const event = (index: number): NewEvent => ({
  id: randomUUID(),
  type: 'KeyResultCheckedIn',
  data: { keyResultId: randomUUID(), value: index % 100, confidence: 0.7, note: 'Shipped the onboarding experiment; churn fell.' },
  metadata: {
    tenantId: 'tenant-acme',
    actor: 'user-42',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: new Date(1_750_000_000_000 + index * 1000).toISOString(),
  },
});

/** Appends prepared up front, so both sides time only the store. */
const workload = (appends: number, size: number): { streamId: string; events: NewEvent[] }[] => {
  const streams = Array.from({ length: STREAMS }, () => `objective-${randomUUID()}`);
  return Array.from({ length: appends }, (_, index) => ({
    streamId: streams[index % STREAMS],
    events: Array.from({ length: size }, (_, offset) => event(index * size + offset)),
  }));
};

type Expected = number | 'no_stream';
type Work = ReturnType<typeof workload>;
/** Appends per turn: the sides take turns so both see the same disk (fsync latency drifts a lot on shared VMs). */
const TURN = 50;

const openRaw = (file: string): Database.Database => {
  const db = new Database(file, { timeout: 5000 });
  configureSqliteConnection(db, SYNCHRONOUS);
  db.exec(SQLITE_SCHEMA);
  return db;
};

/** The raw baseline: the adapter's SQL and transaction, nothing else (no event-chain hash: the ratio shows its cost). */
const rawAppender = (db: Database.Database) => {
  const insert = db.prepare(INSERT_EVENT);
  const currentRevision = db.prepare<[string], number | null>(CURRENT_REVISION).pluck();
  const append = db.transaction((streamId: string, events: NewEvent[], expected: Expected) => {
    const current = currentRevision.get(streamId) ?? null;
    if ((current ?? 'no_stream') !== expected) throw new Error(`conflict on ${streamId}`);
    let revision = current ?? -1;
    const category = streamId.slice(0, streamId.indexOf('-'));
    for (const next of events) {
      revision += 1;
      const occurredAt = Date.parse(next.metadata.occurredAt);
      insert.run(next.id, streamId, revision, next.type, 1, JSON.stringify(next.data), JSON.stringify(next.metadata), occurredAt, category, null);
    }
    return revision;
  });
  return (streamId: string, events: NewEvent[], expected: Expected): number => append.immediate(streamId, events, expected);
};

/** Appends/s of the adapter and of raw better-sqlite3, taking turns of TURN appends. */
const appendRates = async (name: string, appends: number, size: number): Promise<{ adapter: number; raw: number }> => {
  const store = SqliteEventStore.open({ file: join(dir, `adapter-${name}.db`), synchronous: SYNCHRONOUS });
  const db = openRaw(join(dir, `raw-${name}.db`));
  const rawAppend = rawAppender(db);
  const work = { adapter: workload(appends, size), raw: workload(appends, size) };
  const revisions = { adapter: new Map<string, Expected>(), raw: new Map<string, Expected>() };
  const seconds = { adapter: 0, raw: 0 };
  const adapterTurn = async (slice: Work): Promise<void> => {
    for (const { streamId, events } of slice) {
      const result = await store.append(streamId, events, revisions.adapter.get(streamId) ?? 'no_stream');
      revisions.adapter.set(streamId, result.nextExpectedRevision);
    }
  };
  const rawTurn = (slice: Work): void => {
    for (const { streamId, events } of slice) {
      revisions.raw.set(streamId, rawAppend(streamId, events, revisions.raw.get(streamId) ?? 'no_stream'));
    }
  };
  for (let from = 0; from < appends; from += TURN) {
    const sides = (from / TURN) % 2 === 0 ? (['adapter', 'raw'] as const) : (['raw', 'adapter'] as const);
    for (const side of sides) {
      const started = performance.now();
      if (side === 'adapter') await adapterTurn(work.adapter.slice(from, from + TURN));
      else rawTurn(work.raw.slice(from, from + TURN));
      seconds[side] += (performance.now() - started) / 1000;
    }
  }
  await store.close();
  db.close();
  return { adapter: appends / seconds.adapter, raw: appends / seconds.raw };
};

const REPLAY_TURN = Math.min(10_000, REPLAY_EVENTS);

interface ReplayRates {
  adapter: number;
  raw: number;
  rawNoParse: number;
}

/** Memory while the adapter alone replays the log: what a projection rebuild holds. */
const replayMemory = async (file: string): Promise<{ before: NodeJS.MemoryUsage; peakRss: number; peakHeap: number }> => {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const store = SqliteEventStore.open({ file, synchronous: SYNCHRONOUS });
  let count = 0;
  for await (const _event of store.readAll()) {
    count += 1;
    if (count % 5_000 === 0) {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
    }
  }
  await store.close();
  if (count !== REPLAY_EVENTS) throw new Error(`adapter replayed ${count} of ${REPLAY_EVENTS}`);
  return { before, peakRss, peakHeap };
};

/**
 * Replays the whole log three ways, taking turns of REPLAY_TURN events: the adapter's `readAll`, one
 * raw SELECT building the same envelopes, and the same SELECT without parsing the JSON columns.
 */
const replayRates = async (file: string): Promise<ReplayRates> => {
  const store = SqliteEventStore.open({ file, synchronous: SYNCHRONOUS });
  const db = new Database(file, { readonly: true });
  const sql = `SELECT ${ENVELOPE_COLUMNS} FROM events ORDER BY position`;
  const adapter = store.readAll()[Symbol.asyncIterator]();
  const raw = db.prepare<[], unknown[]>(sql).raw().iterate();
  const bare = new Database(file, { readonly: true });
  const rawNoParse = bare.prepare<[], unknown[]>(sql).raw().iterate();
  const seconds = { adapter: 0, raw: 0, rawNoParse: 0 };
  for (let done = 0; done < REPLAY_EVENTS; done += REPLAY_TURN) {
    let started = performance.now();
    for (let index = 0; index < REPLAY_TURN; index += 1) {
      const next = await adapter.next();
      if (next.done) throw new Error(`adapter replayed ${done + index} of ${REPLAY_EVENTS}`);
    }
    seconds.adapter += (performance.now() - started) / 1000;

    started = performance.now();
    for (let index = 0; index < REPLAY_TURN; index += 1) {
      const row = raw.next().value as unknown[];
      const envelope = {
        id: row[1] as string,
        type: row[4] as string,
        schemaVersion: row[5] as number,
        streamId: row[2] as string,
        revision: row[3] as number,
        position: row[0] as number,
        data: JSON.parse(row[6] as string),
        metadata: JSON.parse(row[7] as string),
      };
      if (envelope.revision < 0) throw new Error('unreachable');
    }
    seconds.raw += (performance.now() - started) / 1000;

    started = performance.now();
    for (let index = 0; index < REPLAY_TURN; index += 1) rawNoParse.next();
    seconds.rawNoParse += (performance.now() - started) / 1000;
  }
  if (!(await adapter.next()).done || !raw.next().done || !rawNoParse.next().done) throw new Error('log longer than expected');
  await store.close();
  db.close();
  bare.close();
  return {
    adapter: REPLAY_EVENTS / seconds.adapter,
    raw: REPLAY_EVENTS / seconds.raw,
    rawNoParse: REPLAY_EVENTS / seconds.rawNoParse,
  };
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (value: number): string => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const probe = new Database(':memory:');
  const sqliteVersion = String(probe.prepare('select sqlite_version()').pluck().get());
  probe.close();
  console.log(
    `event-store bench: node ${process.version}, SQLite ${sqliteVersion}, ${availableParallelism()} cpus, ` +
      `synchronous=${SYNCHRONOUS}, files in ${dir}`,
  );

  const single = { adapter: [] as number[], raw: [] as number[] };
  const batched = { adapter: [] as number[], raw: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const one = await appendRates(`single-${round}`, SINGLE_APPENDS, 1);
    const ten = await appendRates(`batch-${round}`, BATCH_APPENDS, BATCH_SIZE);
    single.adapter.push(one.adapter);
    single.raw.push(one.raw);
    batched.adapter.push(ten.adapter);
    batched.raw.push(ten.raw);
  }

  const replayFile = join(dir, 'replay.db');
  const seeder = SqliteEventStore.open({ file: replayFile, synchronous: SYNCHRONOUS });
  for (let index = 0; index < REPLAY_EVENTS / 1000; index += 1) {
    await seeder.append(`objective-${randomUUID()}`, Array.from({ length: 1000 }, (_, offset) => event(index * 1000 + offset)), 'no_stream');
  }
  await seeder.close();
  const logBytes = statSync(replayFile).size;

  const memory = await replayMemory(replayFile);
  const replay = { adapter: [] as number[], raw: [] as number[], rawNoParse: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const rates = await replayRates(replayFile);
    replay.adapter.push(rates.adapter);
    replay.raw.push(rates.raw);
    replay.rawNoParse.push(rates.rawNoParse);
  }

  const scale = (values: number[], factor: number) => values.map((value) => value * factor);
  const rows: [string, number[], number[]][] = [
    ['append, 1 event (appends/s)', single.adapter, single.raw],
    [`append, ${BATCH_SIZE} events (appends/s)`, batched.adapter, batched.raw],
    [`append, ${BATCH_SIZE} events (events/s)`, scale(batched.adapter, BATCH_SIZE), scale(batched.raw, BATCH_SIZE)],
    [`replay ${rate(REPLAY_EVENTS)} events (events/s)`, replay.adapter, replay.raw],
  ];
  const spread = (values: number[]) => `${rate(Math.min(...values))}-${rate(Math.max(...values))}`;
  console.log(
    `\nmedian of ${ROUNDS} rounds (min-max in brackets), adapter/raw = median of the per-round ratios;\n` +
      `raw = better-sqlite3 directly, same schema and pragmas, taking turns with the adapter\n`,
  );
  console.log(`${'case'.padEnd(34)}${'adapter'.padStart(28)}${'raw'.padStart(28)}${'adapter/raw'.padStart(13)}`);
  for (const [name, adapter, raw] of rows) {
    const cell = (values: number[]) => `${rate(median(values))} (${spread(values)})`.padStart(28);
    const ratio = median(adapter.map((value, round) => value / raw[round]));
    console.log(`${name.padEnd(34)}${cell(adapter)}${cell(raw)}${ratio.toFixed(2).padStart(13)}`);
  }
  console.log(
    `\nreplay: raw SELECT without JSON.parse ${rate(median(replay.rawNoParse))} events/s ` +
      `(adapter/that ${(median(replay.adapter) / median(replay.rawNoParse)).toFixed(2)}); the row above builds the same envelopes.`,
  );
  console.log(
    `replay memory (adapter alone): log file ${mb(logBytes)}; before rss ${mb(memory.before.rss)}, heap ${mb(memory.before.heapUsed)}; ` +
      `peak rss ${mb(memory.peakRss)}, heap ${mb(memory.peakHeap)}${gc ? '' : ' (run node with --expose-gc for a cleaner baseline)'}`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
