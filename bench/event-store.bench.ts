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

const ROUNDS = 3;
const SINGLE_APPENDS = 1500;
const BATCH_APPENDS = 1000;
const BATCH_SIZE = 10;
const STREAMS = 100;
const REPLAY_EVENTS = 200_000;
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

const adapterAppends = async (file: string, work: ReturnType<typeof workload>): Promise<number> => {
  const store = SqliteEventStore.open({ file, synchronous: SYNCHRONOUS });
  const revisions = new Map<string, Expected>();
  const started = performance.now();
  for (const { streamId, events } of work) {
    const result = await store.append(streamId, events, revisions.get(streamId) ?? 'no_stream');
    revisions.set(streamId, result.nextExpectedRevision);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return work.length / seconds;
};

const openRaw = (file: string): Database.Database => {
  const db = new Database(file, { timeout: 5000 });
  configureSqliteConnection(db, SYNCHRONOUS);
  db.exec(SQLITE_SCHEMA);
  return db;
};

const rawAppends = (file: string, work: ReturnType<typeof workload>): number => {
  const db = openRaw(file);
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
      insert.run(next.id, streamId, revision, next.type, 1, JSON.stringify(next.data), JSON.stringify(next.metadata), occurredAt, category);
    }
    return revision;
  });
  const revisions = new Map<string, Expected>();
  const started = performance.now();
  for (const { streamId, events } of work) {
    revisions.set(streamId, append.immediate(streamId, events, revisions.get(streamId) ?? 'no_stream'));
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return work.length / seconds;
};

interface ReplayResult {
  perSecond: number;
  peakRss: number;
  peakHeap: number;
}

const replayAdapter = async (file: string): Promise<ReplayResult> => {
  const store = SqliteEventStore.open({ file, synchronous: SYNCHRONOUS });
  let count = 0;
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const started = performance.now();
  for await (const envelope of store.readAll()) {
    count += envelope.revision >= 0 ? 1 : 0;
    if (count % 10_000 === 0) {
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  if (count !== REPLAY_EVENTS) throw new Error(`adapter replayed ${count} of ${REPLAY_EVENTS}`);
  return { perSecond: count / seconds, peakRss, peakHeap };
};

const replayRaw = (file: string, parse: boolean): number => {
  const db = new Database(file, { readonly: true });
  const select = db.prepare<[], unknown[]>(`SELECT ${ENVELOPE_COLUMNS} FROM events ORDER BY position`).raw();
  let count = 0;
  const started = performance.now();
  for (const row of select.iterate()) {
    if (parse) {
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
      count += envelope.revision >= 0 ? 1 : 0;
    } else {
      count += 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  if (count !== REPLAY_EVENTS) throw new Error(`raw replayed ${count} of ${REPLAY_EVENTS}`);
  return count / seconds;
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (value: number): string => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  console.log(`event-store bench: node ${process.version}, SQLite ${new Database(':memory:').prepare('select sqlite_version()').pluck().get()}, ` +
    `${availableParallelism()} cpus, synchronous=${SYNCHRONOUS}, files in ${dir}`);

  const single = { adapter: [] as number[], raw: [] as number[] };
  const batched = { adapter: [] as number[], raw: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate who goes first, so neither side always gets the warmer disk cache.
    const order = round % 2 === 0 ? (['adapter', 'raw'] as const) : (['raw', 'adapter'] as const);
    for (const side of order) {
      const singleWork = workload(SINGLE_APPENDS, 1);
      const batchWork = workload(BATCH_APPENDS, BATCH_SIZE);
      const file = (name: string) => join(dir, `${side}-${name}-${round}.db`);
      single[side].push(side === 'adapter' ? await adapterAppends(file('single'), singleWork) : rawAppends(file('single'), singleWork));
      batched[side].push(side === 'adapter' ? await adapterAppends(file('batch'), batchWork) : rawAppends(file('batch'), batchWork));
    }
  }

  const replayFile = join(dir, 'replay.db');
  const seeder = SqliteEventStore.open({ file: replayFile, synchronous: SYNCHRONOUS });
  for (let index = 0; index < REPLAY_EVENTS / 1000; index += 1) {
    await seeder.append(`objective-${randomUUID()}`, Array.from({ length: 1000 }, (_, offset) => event(index * 1000 + offset)), 'no_stream');
  }
  await seeder.close();
  const logBytes = statSync(replayFile).size;

  const replay = { adapter: [] as number[], raw: [] as number[], rawNoParse: [] as number[] };
  gc?.();
  const before = process.memoryUsage();
  let peakRss = 0;
  let peakHeap = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const adapter = await replayAdapter(replayFile);
    replay.adapter.push(adapter.perSecond);
    peakRss = Math.max(peakRss, adapter.peakRss);
    peakHeap = Math.max(peakHeap, adapter.peakHeap);
    replay.raw.push(replayRaw(replayFile, true));
    replay.rawNoParse.push(replayRaw(replayFile, false));
  }

  const scale = (values: number[], factor: number) => values.map((value) => value * factor);
  const rows: [string, number[], number[]][] = [
    ['append, 1 event (appends/s)', single.adapter, single.raw],
    [`append, ${BATCH_SIZE} events (appends/s)`, batched.adapter, batched.raw],
    [`append, ${BATCH_SIZE} events (events/s)`, scale(batched.adapter, BATCH_SIZE), scale(batched.raw, BATCH_SIZE)],
    [`replay ${rate(REPLAY_EVENTS)} events (events/s)`, replay.adapter, replay.raw],
  ];
  const spread = (values: number[]) => `${rate(Math.min(...values))}-${rate(Math.max(...values))}`;
  console.log(`\nmedian of ${ROUNDS} rounds (min-max in brackets); raw = better-sqlite3 directly, same schema and pragmas\n`);
  console.log(`${'case'.padEnd(34)}${'adapter'.padStart(28)}${'raw'.padStart(28)}${'adapter/raw'.padStart(13)}`);
  for (const [name, adapter, raw] of rows) {
    const cell = (values: number[]) => `${rate(median(values))} (${spread(values)})`.padStart(28);
    console.log(`${name.padEnd(34)}${cell(adapter)}${cell(raw)}${(median(adapter) / median(raw)).toFixed(2).padStart(13)}`);
  }
  console.log(
    `\nreplay: raw SELECT without JSON.parse ${rate(median(replay.rawNoParse))} events/s ` +
      `(adapter/that ${(median(replay.adapter) / median(replay.rawNoParse)).toFixed(2)}); the row above builds the same envelopes.`,
  );
  console.log(
    `replay memory: log file ${mb(logBytes)}; before replay rss ${mb(before.rss)}, heap ${mb(before.heapUsed)}; ` +
      `peak during adapter replay rss ${mb(peakRss)}, heap ${mb(peakHeap)}${gc ? '' : ' (run node with --expose-gc for a cleaner baseline)'}`,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
