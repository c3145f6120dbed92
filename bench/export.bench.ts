/**
 * `npm run export` on a large log (a benchmark, not a test).
 *
 * A log of EVENTS events (weekly check-ins on key results, with their objectives; one objective in
 * four has an ownership transfer stored as schema version 1, so upcasting is part of the read) is
 * written to a fresh SQLite event store. Then, each in its own Node process so that peak RSS is its
 * own: the baseline (the same read through the event-store port, the same tenant and time filter, each
 * event handed to a sink that drops it), the JSON Lines export and the Parquet export. Reported:
 * events/s and peak RSS of each, and each export's ratio to the baseline (what writing the file costs).
 *
 * Run: `npm run bench -- export`; size with BENCH_EXPORT_EVENTS (default 1,000,000); BENCH_DIR picks
 * the folder for the files (default: the OS temp folder).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@okr/event-store';
import { exportEvents, type EventSink } from '../tools/event-export/event-export';
import { jsonlSink } from '../tools/event-export/jsonl-sink';
import { parquetSink } from '../tools/event-export/parquet-sink';
import { benchSize } from './bench-size';

const EVENTS = benchSize(1_000_000, { env: 'BENCH_EXPORT_EVENTS', min: 2_000 });
const TENANT = 'bench';
const MODES = ['baseline', 'jsonl', 'parquet'] as const;
type Mode = (typeof MODES)[number];
interface Measured {
  mode: Mode;
  events: number;
  seconds: number;
  peakRssMb: number;
  fileMb: number;
}

const metadata = (occurredAt: string) => ({ tenantId: TENANT, actor: 'user-bench', correlationId: randomUUID(), causationId: randomUUID(), occurredAt });
const event = (type: string, data: object, occurredAt: string, schemaVersion?: number): NewEvent => ({
  id: randomUUID(),
  type,
  ...(schemaVersion === undefined ? {} : { schemaVersion }),
  data,
  metadata: metadata(occurredAt),
});
const day = (n: number): string => new Date(Date.UTC(2026, 6, 1) + n * 86_400_000).toISOString();

/** Objectives of 3 key results (4-5 events), then 13 weekly check-ins per key result: about 44 events each. */
async function writeLog(file: string, total: number): Promise<number> {
  const store = SqliteEventStore.open({ file, synchronous: 'NORMAL' });
  let written = 0;
  try {
    for (let o = 0; written < total; o += 1) {
      const objectiveId = randomUUID();
      const keyResults = [randomUUID(), randomUUID(), randomUUID()];
      const objective = [
        event('ObjectiveSet', { objectiveId, cycleId: 'q3', teamId: 'team-1', ownerId: 'user-ann', title: `Objective ${o}` }, day(0)),
        ...keyResults.map((keyResultId, k) =>
          event('KeyResultAdded', { objectiveId, keyResultId, title: `Key result ${k}`, measure: { kind: 'increase', start: 0, target: 100, unit: '%' } }, day(0)),
        ),
        ...(o % 4 === 0 ? [event('ObjectiveOwnershipTransferred', { objectiveId, from: 'user-ann', to: 'user-bo' }, day(1), 1)] : []),
      ];
      await store.append(`objective-${objectiveId}`, objective, 'no_stream');
      written += objective.length;
      for (const keyResultId of keyResults) {
        const checkIns = Array.from({ length: 13 }, (_, week) =>
          event(
            'CheckInRecorded',
            { checkInId: randomUUID(), keyResultId, objectiveId, value: week * 7, confidence: 6, note: 'On track, the new onboarding flow ships next week.', effectiveAt: day(week * 7).slice(0, 10), recordedAt: day(week * 7) },
            day(week * 7),
          ),
        );
        await store.append(`checkins-${keyResultId}`, checkIns, 'no_stream');
        written += checkIns.length;
      }
    }
  } finally {
    await store.close();
  }
  return written;
}

const dropping: EventSink = { write: () => undefined, close: async () => undefined };

/** One mode, in this process: the export of the whole quarter for the tenant. */
async function measure(mode: Mode, file: string, out: string): Promise<Measured> {
  const store = SqliteEventStore.open({ file });
  const sink = mode === 'baseline' ? dropping : mode === 'jsonl' ? jsonlSink(out) : await parquetSink(out);
  const started = process.hrtime.bigint();
  const report = await exportEvents(store, { tenant: TENANT, from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z'), categories: ['objective', 'checkins'] }, sink);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  const fileMb = mode === 'baseline' ? 0 : statSync(out).size / 2 ** 20;
  return { mode, events: report.written, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, fileMb };
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--measure');
  if (child > 0) {
    const [mode, file, out] = process.argv.slice(child + 1) as [Mode, string, string];
    process.stdout.write(`${JSON.stringify(await measure(mode, file, out))}\n`);
    return;
  }
  const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'okr-bench-export-'));
  try {
    const file = join(dir, 'events.sqlite');
    const writing = Date.now();
    const total = await writeLog(file, EVENTS);
    console.log(`export: ${total} events written in ${((Date.now() - writing) / 1000).toFixed(1)} s (${availableParallelism()} cores); measuring each mode in its own process`);
    const results: Measured[] = [];
    for (const mode of MODES) {
      const run = spawnSync(process.execPath, [__filename, '--measure', mode, file, join(dir, `export.${mode}`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (run.status !== 0) throw new Error(`export bench: ${mode} failed (${run.signal ?? `exit ${run.status}`})`);
      results.push(JSON.parse(run.stdout.trim().split('\n').pop() as string) as Measured);
    }
    const [baseline] = results;
    const rate = (r: Measured): number => r.events / r.seconds;
    console.log('\n| mode | events | events/s | peak RSS | file | events/s vs baseline | peak RSS vs baseline |\n|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.mode} | ${r.events.toLocaleString('en-US')} | ${Math.round(rate(r)).toLocaleString('en-US')} | ${r.peakRssMb.toFixed(0)} MB | ` +
          `${r.mode === 'baseline' ? '—' : `${r.fileMb.toFixed(0)} MB`} | ${(rate(r) / rate(baseline)).toFixed(2)} | ${(r.peakRssMb / baseline.peakRssMb).toFixed(2)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
