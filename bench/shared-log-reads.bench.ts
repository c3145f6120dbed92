/**
 * The groups of one process reading the log once, not once each (a benchmark, not a test).
 *
 * On the embedded bus every consumer group subscribes to the SQLite event store itself; insights has
 * eight read-model groups over the same categories. The store's subscriptions share the pages they read
 * (`sharedPageEvents`, see `SharedPages`). Measured here, sharing off (the baseline, as before) against
 * on, in the same run and on copies of one log:
 *
 * 1. insights' catch-up from zero, all read models, on the embedded bus and read store (as
 *    `bench/insights-catch-up` does): events/s until the slowest group reaches the head, wall and per
 *    second of this process's CPU, and the rows each mode read and parsed;
 * 2. N bare subscriptions over the log, each only counting what it gets: the reading alone.
 *
 * Each mode runs twice, interleaved (off, on, off, on); the best run of each is reported.
 *
 * Run: `npm run bench -- shared-log-reads`; sizes with BENCH_SHARED_READS_EVENTS, BENCH_SHARED_READS_SUBSCRIPTIONS.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { EmbeddedConsumer, ReadModelRunner } from '@okr/messaging';
import { EmbeddedReadStore } from '@okr/read-store';
import { INSIGHTS_TOPICS } from '../apps/insights/src/read-models/projection-runner';
import { INSIGHTS_READ_MODELS } from '../apps/insights/src/read-models/read-models';
import { writeQuarterLog } from '../apps/insights/test/support/quarter-log';
import { benchSize } from './bench-size';

const EVENTS = benchSize(20_000, { env: 'BENCH_SHARED_READS_EVENTS', min: 500 });
const SUBSCRIPTIONS = benchSize(8, { env: 'BENCH_SHARED_READS_SUBSCRIPTIONS', min: 8 });
const TENANT = 'bench';
/** Sharing off, and the store's default. */
const MODES = [
  { name: 'each group reads and parses (off)', sharedPageEvents: 0 },
  { name: 'pages shared (default)', sharedPageEvents: undefined },
] as const;

interface Run {
  rate: number;
  cpuRate: number;
  rowsParsed: number;
  deadLetters: number;
}

const cpuSecondsSince = (start: NodeJS.CpuUsage): number => {
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / 1e6;
};

/** Insights' catch-up from zero on a copy of `log`. */
async function catchUp(dir: string, log: string, head: number, sharedPageEvents: number | undefined, run: number): Promise<Run> {
  const file = join(dir, `events-${run}.db`);
  copyFileSync(log, file);
  const events = SqliteEventStore.open({ file, sharedPageEvents });
  const readStore = EmbeddedReadStore.open({ file: join(dir, `read-${run}.db`) });
  const consumer = new EmbeddedConsumer({ store: events, file });
  try {
    const runner = new ReadModelRunner(consumer, readStore, { service: 'insights', topics: INSIGHTS_TOPICS, models: INSIGHTS_READ_MODELS });
    const started = process.hrtime.bigint();
    const cpuAtStart = process.cpuUsage();
    await runner.onApplicationBootstrap();
    await runner.started();
    const groups = INSIGHTS_READ_MODELS.map((model) => runner.groupOf(model));
    const slowest = async (): Promise<number> => {
      const positions = await Promise.all(groups.map((group) => consumer.checkpoint(group, INSIGHTS_TOPICS[0])));
      return Math.min(...positions.map((position) => position ?? -1));
    };
    while ((await slowest()) < head) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = cpuSecondsSince(cpuAtStart);
    let deadLetters = 0;
    for (const group of groups) for (const topic of INSIGHTS_TOPICS) deadLetters += (await consumer.deadLetters(group, topic)).length;
    await runner.onModuleDestroy();
    return { rate: (head + 1) / seconds, cpuRate: (head + 1) / cpuSeconds, rowsParsed: events.sharedPageStats().rowsParsed, deadLetters };
  } finally {
    await consumer.close();
    await readStore.close();
    await events.close();
  }
}

/** `SUBSCRIPTIONS` subscriptions over the whole log at once, each counting what it gets. */
async function subscriptions(log: string, head: number, sharedPageEvents: number | undefined): Promise<Run> {
  const store = SqliteEventStore.open({ file: log, sharedPageEvents });
  try {
    const stop = new AbortController();
    const started = process.hrtime.bigint();
    const cpuAtStart = process.cpuUsage();
    await Promise.all(
      Array.from({ length: SUBSCRIPTIONS }, async () => {
        let count = 0;
        for await (const event of store.subscribe({ signal: stop.signal })) {
          count += 1;
          if (event.position >= head) break;
        }
        return count;
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuSeconds = cpuSecondsSince(cpuAtStart);
    const delivered = (head + 1) * SUBSCRIPTIONS;
    return { rate: delivered / seconds, cpuRate: delivered / cpuSeconds, rowsParsed: store.sharedPageStats().rowsParsed, deadLetters: 0 };
  } finally {
    await store.close();
  }
}

const best = (runs: readonly Run[]): Run => runs.reduce((a, b) => (b.cpuRate > a.cpuRate ? b : a));

async function main(): Promise<void> {
  const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
  process.stdout.write(
    `shared log reads bench: node ${process.version}, ${availableParallelism()} cpus, ${INSIGHTS_READ_MODELS.length} read models, load ${load()}\n\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'okr-shared-reads-bench-'));
  try {
    const log = join(dir, 'log.db');
    const writer = SqliteEventStore.open({ file: log, synchronous: 'NORMAL' });
    const { head } = await writeQuarterLog(writer, { total: EVENTS, tenantId: TENANT, actor: 'bench' });
    await writer.close();
    const events = head + 1;

    const catchUps: Run[][] = MODES.map(() => []);
    const reads: Run[][] = MODES.map(() => []);
    let run = 0;
    for (let round = 0; round < 2; round += 1) {
      for (const [index, mode] of MODES.entries()) catchUps[index].push(await catchUp(dir, log, head, mode.sharedPageEvents, (run += 1)));
    }
    for (let round = 0; round < 2; round += 1) {
      for (const [index, mode] of MODES.entries()) reads[index].push(await subscriptions(log, head, mode.sharedPageEvents));
    }

    const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
    const [baseCatchUp, sharedCatchUp] = catchUps.map(best);
    const [baseReads, sharedReads] = reads.map(best);
    process.stdout.write(`| ${fmt(events)} events | ${MODES[0].name} | ${MODES[1].name} | ratio |\n|---|---|---|---|\n`);
    const row = (label: string, base: number, shared: number, ratio = true): void => {
      process.stdout.write(`| ${label} | ${fmt(base)} | ${fmt(shared)} | ${ratio ? (shared / base).toFixed(2) : ''} |\n`);
    };
    row(`insights catch-up, ${INSIGHTS_READ_MODELS.length} models: events/s (wall)`, baseCatchUp.rate, sharedCatchUp.rate);
    row('the same per second of this process\'s CPU', baseCatchUp.cpuRate, sharedCatchUp.cpuRate);
    row('rows read and JSON-parsed by the subscriptions', baseCatchUp.rowsParsed, sharedCatchUp.rowsParsed);
    row('dead letters (must be equal: no consumer changes a shared event)', baseCatchUp.deadLetters, sharedCatchUp.deadLetters, false);
    row(`${SUBSCRIPTIONS} bare subscriptions: events delivered/s (wall)`, baseReads.rate, sharedReads.rate);
    row('the same per second of this process\'s CPU', baseReads.cpuRate, sharedReads.cpuRate);
    row('rows read and JSON-parsed', baseReads.rowsParsed, sharedReads.rowsParsed);
    process.stdout.write(`\nload at the end: ${load()}\n`);
    if (sharedCatchUp.deadLetters !== baseCatchUp.deadLetters) throw new Error('sharing pages changed what the read models did (dead letters differ)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
