/**
 * Insights' read models catching up an existing data folder's log from zero (the large organisation of
 * `npm run demo -- --scale large --direct`), with progress: a measurement, not a benchmark of the suite.
 *
 * The folder's events.sqlite is copied to a fresh folder first (the embedded bus keeps its checkpoints in
 * it), the read store is fresh. Every 10 s: each read model's position, events/s since the last report,
 * this process's CPU seconds and RSS. At the end (every model at the head, or the budget spent): events/s
 * of the slowest model, per wall second and per CPU second.
 *
 * Run: `node dist/bench/large-org-catch-up.js <data dir> [model,model...]` after `npx nx run bench:build`;
 * BENCH_CATCH_UP_BUDGET_S (default 3600) bounds it; BENCH_READ_STORE_CACHE_MB sets the read store's cache.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { EmbeddedConsumer, ReadModelRunner } from '@okr/messaging';
import { EmbeddedReadStore } from '@okr/read-store';
import { INSIGHTS_TOPICS } from '../apps/insights/src/read-models/projection-runner';
import { INSIGHTS_READ_MODELS } from '../apps/insights/src/read-models/read-models';

async function main(): Promise<void> {
  const [source, only = ''] = process.argv.slice(2);
  if (!source) throw new Error('usage: large-org-catch-up <data dir> [model,model...]');
  const names = only.split(',').filter((name) => name.length > 0);
  const models = names.length === 0 ? INSIGHTS_READ_MODELS : INSIGHTS_READ_MODELS.filter((model) => names.includes(model.name));
  if (models.length !== (names.length || INSIGHTS_READ_MODELS.length)) throw new Error(`unknown read model in ${names.join(', ')}`);
  const budget = Number(process.env['BENCH_CATCH_UP_BUDGET_S'] ?? 3600);
  const dir = mkdtempSync(join(tmpdir(), 'okr-large-catch-up-'));
  const file = join(dir, 'events.sqlite');
  copyFileSync(join(source, 'events.sqlite'), file);
  const events = SqliteEventStore.open({ file });
  // BENCH_READ_STORE_CACHE_MB: the read store's cache budget (default: the store's, an eighth of the heap limit).
  const cacheMb = process.env['BENCH_READ_STORE_CACHE_MB'];
  const readStore = EmbeddedReadStore.open({ file: join(dir, 'read.sqlite'), ...(cacheMb ? { cacheBytes: Number(cacheMb) * 2 ** 20 } : {}) });
  const consumer = new EmbeddedConsumer({ store: events, file });
  try {
    const head = await events.headPosition();
    const runner = new ReadModelRunner(consumer, readStore, { service: 'insights', topics: INSIGHTS_TOPICS, models });
    const started = process.hrtime.bigint();
    const cpuAtStart = process.cpuUsage();
    const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    await runner.onApplicationBootstrap();
    await runner.started();
    const positions = async (): Promise<number[]> =>
      Promise.all(models.map(async (model) => (await consumer.checkpoint(runner.groupOf(model), INSIGHTS_TOPICS[0])) ?? -1));
    let last = { at: 0, slowest: -1 };
    let nextReport = 10;
    process.stdout.write(`catching up ${head + 1} events with ${models.map((m) => m.name).join(', ')}\n`);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = elapsed();
      const at = await positions();
      const slowest = Math.min(...at);
      if (now >= nextReport || slowest >= head || now > budget) {
        const cpu = process.cpuUsage(cpuAtStart);
        process.stdout.write(
          `${now.toFixed(0)} s · slowest ${slowest} (${((slowest - last.slowest) / (now - last.at)).toFixed(0)}/s) · ` +
            `${models.map((m, i) => `${m.name} ${at[i]}`).join(' · ')} · cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s · rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB · heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB\n`,
        );
        last = { at: now, slowest };
        nextReport = now + 10;
      }
      if (slowest >= head || now > budget) break;
    }
    const seconds = elapsed();
    const cpu = process.cpuUsage(cpuAtStart);
    const at = await positions();
    const reached = Math.min(...at) + 1;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Every model's progress summed: the work done, whichever models did it (the slowest alone
    // understates a run stopped at the budget while cheap models ran ahead).
    const applications = at.reduce((sum, position) => sum + position + 1, 0);
    process.stdout.write(
      `${reached} of ${head + 1} events in ${seconds.toFixed(1)} s: ${(reached / seconds).toFixed(0)} events/s, ${(reached / cpuSeconds).toFixed(0)} per CPU second; ` +
        `${applications} event deliveries to the ${models.length} models, ${(applications / cpuSeconds).toFixed(0)} per CPU second\n`,
    );
    await runner.onModuleDestroy();
    // Where the memory goes: the embedded read store holds every document in the process.
    const sizes = new Database(join(dir, 'read.sqlite'), { readonly: true })
      .prepare('SELECT collection, COUNT(*) AS documents, SUM(LENGTH(doc)) AS bytes FROM read_docs GROUP BY collection ORDER BY bytes DESC')
      .all() as { collection: string; documents: number; bytes: number }[];
    for (const { collection, documents, bytes } of sizes) {
      process.stdout.write(`  ${collection}: ${documents} documents, ${(bytes / 2 ** 20).toFixed(1)} MB of JSON (${(bytes / documents).toFixed(0)} B each)\n`);
    }
    // With --expose-gc, the heap that stays (the read store's cache, ids and indexes) rather than its garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const cached = readStore.cacheUsage();
    process.stdout.write(
      `heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB with the read store open; ` +
        `${cached.documents} documents parsed in its cache, ${(cached.bytes / 2 ** 20).toFixed(1)} of ${(cached.budget / 2 ** 20).toFixed(0)} MB of JSON; ${cached.fileReads} documents read back from the file\n`,
    );
  } finally {
    await consumer.close();
    await readStore.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
