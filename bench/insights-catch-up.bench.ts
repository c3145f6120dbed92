/**
 * Insights' projection catch-up as the log grows (a benchmark, not a test).
 *
 * A log shaped like an organisation's quarter (a cycle; objectives of three key results, set and
 * activated; then weekly check-ins on every key result) is written to a fresh SQLite event store;
 * insights' read models (all of them) then catch it up from zero on the embedded bus and read store, as
 * `npm start` does. Measured: events/s until every read model's group reaches the head, at SMALL and
 * at LARGE events. Linear catch-up keeps the rate (ratio near 1); quadratic catch-up divides it by
 * about LARGE/SMALL. A run still going after BUDGET seconds reports the rate over what it applied
 * (only a catch-up that yields to the event loop can be stopped there; one that does not runs on).
 *
 * Run: `npm run bench -- insights-catch-up`; sizes with BENCH_CATCH_UP_SMALL / BENCH_CATCH_UP_LARGE;
 * BENCH_CATCH_UP_MODELS (comma-separated read model names, e.g. `objective-summary`) catches up only those.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { EmbeddedConsumer, ReadModelRunner } from '@okr/messaging';
import { EmbeddedReadStore } from '@okr/read-store';
import { INSIGHTS_TOPICS } from '../apps/insights/src/read-models/projection-runner';
import { INSIGHTS_READ_MODELS } from '../apps/insights/src/read-models/read-models';
import { writeQuarterLog } from '../apps/insights/test/support/quarter-log';
import { benchSize } from './bench-size';

const SMALL = benchSize(10_000, { env: 'BENCH_CATCH_UP_SMALL', min: 500 });
const LARGE = benchSize(50_000, { env: 'BENCH_CATCH_UP_LARGE', min: 2_500 });
const BUDGET_S = Number(process.env['BENCH_CATCH_UP_BUDGET_S'] ?? 300);
const TENANT = 'bench';
const ONLY = (process.env['BENCH_CATCH_UP_MODELS'] ?? '').split(',').filter((name) => name.length > 0);
const MODELS = ONLY.length === 0 ? INSIGHTS_READ_MODELS : INSIGHTS_READ_MODELS.filter((model) => ONLY.includes(model.name));
if (ONLY.length > 0 && MODELS.length !== ONLY.length) throw new Error(`BENCH_CATCH_UP_MODELS: unknown read model in ${ONLY.join(', ')}`);

/** Events/s of a catch-up from zero of a log of about `total` events, and how far it got. */
async function catchUp(total: number): Promise<{ events: number; rate: number; cpuRate: number; done: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'okr-catch-up-bench-'));
  const file = join(dir, 'events.db');
  const events = SqliteEventStore.open({ file });
  const readStore = EmbeddedReadStore.open({ file: join(dir, 'read.db'), synchronous: process.env['BENCH_READ_STORE_SYNCHRONOUS'] === 'NORMAL' ? 'NORMAL' : 'FULL' });
  const consumer = new EmbeddedConsumer({ store: events, file });
  try {
    const { head } = await writeQuarterLog(events, { total, tenantId: TENANT, actor: 'bench' });
    const runner = new ReadModelRunner(consumer, readStore, { service: 'insights', topics: INSIGHTS_TOPICS, models: MODELS });
    const started = process.hrtime.bigint();
    const cpuAtStart = process.cpuUsage();
    const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    await runner.onApplicationBootstrap();
    await runner.started();
    // The slowest read model's position in the log.
    const slowest = async (): Promise<number> => {
      const positions = await Promise.all(MODELS.map((model) => consumer.checkpoint(runner.groupOf(model), INSIGHTS_TOPICS[0])));
      return Math.min(...positions.map((position) => position ?? -1));
    };
    let reached = await slowest();
    while (reached < head && elapsed() < BUDGET_S) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      reached = await slowest();
    }
    const seconds = elapsed();
    const cpu = process.cpuUsage(cpuAtStart);
    await runner.onModuleDestroy();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return { events: head + 1, rate: (reached + 1) / seconds, cpuRate: (reached + 1) / cpuSeconds, done: reached >= head };
  } finally {
    await consumer.close();
    await readStore.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  process.stdout.write(`insights catch-up bench: node ${process.version}, ${availableParallelism()} cpus, ${MODELS.length} read models (${ONLY.length === 0 ? 'all' : ONLY.join(', ')}), budget ${BUDGET_S} s\n\n`);
  const small = await catchUp(SMALL);
  const large = await catchUp(LARGE);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const cell = (run: typeof small): string => `${fmt(run.rate)} events/s${run.done ? '' : ' (stopped at the budget)'}`;
  process.stdout.write(`| log | ${fmt(small.events)} events | ${fmt(large.events)} events | ratio |\n|---|---|---|---|\n`);
  process.stdout.write(`| catch-up from zero, slowest read model | ${cell(small)} | ${cell(large)} | ${(large.rate / small.rate).toFixed(2)} |\n`);
  // On a machine shared with other work, wall time measures the others too; this process's CPU does not.
  process.stdout.write(`| the same per second of this process's CPU | ${fmt(small.cpuRate)} events/s | ${fmt(large.cpuRate)} events/s | ${(large.cpuRate / small.cpuRate).toFixed(2)} |\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
