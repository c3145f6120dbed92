/**
 * What a long stream costs a command and a read (a benchmark, not a test).
 *
 * One objective of SHORT events and one of LONG events (ownership handed back and forth, each hand-over
 * one event) in the embedded SQLite store. For each, the bench times what goals does on a request:
 * load the objective (a GET folds it) and a command (load, decide, append). The baseline is the same
 * work on the short objective, measured in the same run; the ratio long / short is the cost of the
 * stream's length. With the fold cache (the services' default) the long objective is read from where it
 * was last folded; without it, every request reads and folds the whole stream. "Cold" is a process with
 * nothing folded (after a restart, or once a fold aged out): the cache is emptied before every request,
 * so each one folds from the latest snapshot, which commands keep as they cross SNAPSHOT_EVERY.
 *
 * As-of reads (GET objective?asOf=) never use the fold cache: they fold up to the instant, from the start
 * of the stream or, with snapshots on (the services' embedded default, one every SNAPSHOT_EVERY events),
 * from the nearest snapshot before it, reading only the chunk that holds the instant. Each as-of request
 * asks, in turn, for the objective as it is now and as it was at its middle event. The snapshots' file
 * size (both objectives, after the run) is printed beside the events file's.
 *
 * Run: `npm run bench:aggregates` (BENCH_SCALE scales the long stream and the number of requests).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  enableFoldCache,
  enableSnapshots,
  handleCommand,
  loadAggregate,
  SqliteEventStore,
  snapshotsSettled,
  SqliteSnapshotStore,
  stopSnapshots,
  type CommandContext,
  type EventStore,
} from '@okr/event-store';
import { objectiveDecider } from '@okr/okr-domain';
import { SNAPSHOT_EVERY } from '@okr/platform';
import { benchSize } from './bench-size';

const SHORT = 10;
const LONG = benchSize(10_000, { env: 'BENCH_AGGREGATE_EVENTS', min: 200 });
const REQUESTS = benchSize(400, { min: 20 });
const ROUNDS = benchSize(3, { min: 1 });

const context = (): CommandContext => ({ tenantId: 'bench', actor: 'ana', correlationId: uuidv7() });
let handOvers = 0;
/** A hand-over to someone who does not own it yet. */
const handOver = () => ({ type: 'TransferOwnership' as const, data: { newOwnerId: `owner-${(handOvers += 1)}` } });

/** An objective of `events` events: set, a key result, activated, then hand-overs. */
async function objectiveOf(store: EventStore, events: number): Promise<string> {
  const id = uuidv7();
  const stream = `objective-${id}`;
  await handleCommand(
    store,
    stream,
    objectiveDecider,
    [
      { type: 'SetObjective', data: { objectiveId: id, cycleId: 'q4', teamId: 'growth', ownerId: 'ana', title: 'New customers succeed' } },
      { type: 'AddKeyResult', data: { keyResultId: uuidv7(), title: 'Week-1 activation', measure: { kind: 'increase', start: 20, target: 40, unit: '%' } } },
      { type: 'ActivateObjective', data: {} },
    ],
    context(),
  );
  for (let done = 3; done < events; ) {
    const batch = Array.from({ length: Math.min(500, events - done) }, handOver);
    await handleCommand(store, stream, objectiveDecider, batch, context());
    done += batch.length;
  }
  return stream;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median over ROUNDS of the mean time (ms) of one `request`. */
async function time(request: (i: number) => Promise<unknown>): Promise<number> {
  await request(-1); // the first request folds the stream (whole, unless snapshots are kept), as after a restart
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < REQUESTS; i += 1) await request(i);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6 / REQUESTS);
  }
  return median(samples);
}

/**
 * How a process holds the objective when a request comes: its fold cached (the services' default, warm),
 * nothing at all, or nothing cached but snapshots kept (a restarted process, or a fold aged out: the
 * cache is emptied before every request, and commands keep snapshots as they cross the interval).
 */
type Mode = 'cached' | 'plain' | 'cold';

async function measure(dir: string, mode: Mode): Promise<{ read: [number, number]; command: [number, number] }> {
  const store = SqliteEventStore.open({ file: join(dir, `events-${mode}.sqlite`) });
  const cache = mode === 'plain' ? undefined : enableFoldCache(store, { maxEntries: 5000, maxAgeMs: 300_000 });
  const snapshotStore = mode === 'cold' ? SqliteSnapshotStore.open({ file: join(dir, 'aggregate-snapshots-cold.sqlite') }) : undefined;
  if (snapshotStore) enableSnapshots(store, snapshotStore, { every: SNAPSHOT_EVERY, keyCacheMaxAgeMs: 60_000 });
  try {
    const short = await objectiveOf(store, SHORT);
    const long = await objectiveOf(store, LONG);
    await snapshotsSettled(store);
    const cold = () => {
      if (mode === 'cold') cache?.clear();
    };
    const read = (stream: string) => () => (cold(), loadAggregate(store, stream, objectiveDecider, 'bench'));
    const command = (stream: string) => () => (cold(), handleCommand(store, stream, objectiveDecider, handOver(), context()));
    // The snapshots commands keep run between requests and count in their time; each round ends with them kept.
    const settled = (request: () => Promise<unknown>) => async (i: number) => {
      await request();
      if (i === REQUESTS - 1) await snapshotsSettled(store);
    };
    return {
      read: [await time(settled(read(short))), await time(settled(read(long)))],
      command: [await time(settled(command(short))), await time(settled(command(long)))],
    };
  } finally {
    await stopSnapshots(store);
    await snapshotStore?.close();
    await store.close();
  }
}

/** The instants an as-of request asks for: now, and the middle event's. */
async function instantsOf(store: EventStore, stream: string): Promise<Date[]> {
  const all: string[] = [];
  for await (const event of store.readStream(stream)) all.push(event.metadata.occurredAt);
  return [new Date(), new Date(all[Math.floor(all.length / 2)] as string)];
}

async function measureAsOf(dir: string, snapshots: boolean): Promise<[number, number]> {
  const store = SqliteEventStore.open({ file: join(dir, `events-as-of-${snapshots ? 'snapshots' : 'plain'}.sqlite`) });
  const snapshotStore = snapshots ? SqliteSnapshotStore.open({ file: join(dir, 'aggregate-snapshots.sqlite') }) : undefined;
  // As the services set them (OKR_KEY_CACHE_SECONDS defaults to 60).
  if (snapshotStore) enableSnapshots(store, snapshotStore, { every: SNAPSHOT_EVERY, keyCacheMaxAgeMs: 60_000 });
  try {
    const short = await objectiveOf(store, SHORT);
    const long = await objectiveOf(store, LONG);
    const asOf = async (stream: string) => {
      const instants = await instantsOf(store, stream);
      return (i: number) => loadAggregate(store, stream, objectiveDecider, 'bench', instants[Math.abs(i) % 2]);
    };
    return [await time(await asOf(short)), await time(await asOf(long))];
  } finally {
    await snapshotStore?.close();
    await store.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'okr-aggregates-bench-'));
  try {
    process.stdout.write(`aggregates bench: node ${process.version}, ${availableParallelism()} cpus, objectives of ${SHORT} and ${LONG.toLocaleString('en-US')} events, ${REQUESTS} requests x ${ROUNDS} rounds\n\n`);
    process.stdout.write(`| request | fold cache | ${SHORT} events (ms) | ${LONG.toLocaleString('en-US')} events (ms) | ratio (aim ≤ 2) |\n|---|---|---|---|---|\n`);
    const modes = { cached: 'on', cold: `cold (emptied before each request), snapshots on (every ${SNAPSHOT_EVERY})`, plain: 'off, no snapshots' } as const;
    for (const mode of ['cached', 'cold', 'plain'] as const) {
      const { read, command } = await measure(dir, mode);
      for (const [name, [short, long]] of [['load (a GET)', read], ['command (load, decide, append)', command]] as const) {
        process.stdout.write(`| ${name} | ${modes[mode]} | ${short.toFixed(3)} | ${long.toFixed(3)} | ${(long / short).toFixed(2)} |\n`);
      }
    }
    for (const snapshots of [true, false]) {
      const [short, long] = await measureAsOf(dir, snapshots);
      process.stdout.write(`| as-of load (GET ?asOf=), snapshots ${snapshots ? `on (every ${SNAPSHOT_EVERY})` : 'off'} | n/a | ${short.toFixed(3)} | ${long.toFixed(3)} | ${(long / short).toFixed(2)} |\n`);
    }
    const kb = (file: string) => (statSync(join(dir, file)).size / 1024).toFixed(0);
    process.stdout.write(`\nsnapshots file ${kb('aggregate-snapshots.sqlite')} KiB beside events file ${kb('events-as-of-snapshots.sqlite')} KiB (both objectives)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
