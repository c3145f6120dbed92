/**
 * insights' API while its read models catch up a large log (a benchmark, not a test).
 *
 * A log shaped like an organisation's quarter (`writeQuarterLog`: objectives of three key results,
 * weekly check-ins) is written to a fresh data folder; insights then starts on it as `npm start` runs
 * it (dist/apps/insights/src/main.js, embedded bus and read store, rate limits off) and catches its
 * read models up from zero. Meanwhile the bench process, one keep-alive connection, sends
 * `GET /api/v1/teams/team-0/dashboard` every PACE_MS and times each answer; `/health/ready` is asked
 * between requests, and only requests sent while it still said "catching up" count. Once the service's
 * `okr_consumer_lag` for every read model is 0, the same GET at the same pace on the same process is the
 * baseline. Printed: p50 and p99 of both, their ratios, and the catch-up's rate meanwhile.
 * Aim (the read-model issue): p99 under 50 ms while catching up.
 *
 * Run: `npm run bench -- insights-serving`; size with BENCH_SERVING_EVENTS (default 50,000 x BENCH_SCALE).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { issueEmbeddedToken } from '@okr/platform';
import { INSIGHTS_READ_MODELS } from '../apps/insights/src/read-models/read-models';
import { writeQuarterLog } from '../apps/insights/test/support/quarter-log';
import { benchSize } from './bench-size';
import { agent, pause, percentile, send, startService } from './service-http';

const EVENTS = benchSize(50_000, { env: 'BENCH_SERVING_EVENTS', min: 1_000 });
/** One GET every PACE_MS: a dashboard someone keeps open, not a load test that starves the catch-up. */
const PACE_MS = Number(process.env['BENCH_SERVING_PACE_MS'] ?? 20);
/** Baseline requests at most (fewer when the catch-up gave fewer: the same count on both sides). */
const BASELINE_MAX = benchSize(2_000, { min: 50 });
const ROOT = resolve(__dirname, '../..');
const TENANT = 'bench';


/** `okr_consumer_lag` of every insights read model's group, summed, and how many series the service reports. */
async function lagOf(port: number): Promise<{ lag: number; series: number }> {
  const { body } = await send(port, '/metrics');
  let lag = 0;
  let series = 0;
  for (const line of body.split('\n')) {
    const match = /^okr_consumer_lag\{[^}]*group="insights\.[^"]*"[^}]*\} (\S+)$/.exec(line);
    if (match) [lag, series] = [lag + Number(match[1]), series + 1];
  }
  return { lag, series };
}

interface Timed {
  latencies: number[];
  statuses: Map<number, number>;
}

async function timedGet(port: number, path: string, headers: Record<string, string>, into: Timed): Promise<void> {
  const sent = performance.now();
  const reply = await send(port, path, headers);
  into.latencies.push(performance.now() - sent);
  into.statuses.set(reply.status, (into.statuses.get(reply.status) ?? 0) + 1);
  if (reply.status !== 200 && reply.status !== 503) throw new Error(`GET ${path}: ${reply.status} ${reply.body.slice(0, 300)}`);
}

const summary = (timed: Timed) => {
  const sorted = [...timed.latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), statuses: [...timed.statuses].map(([s, n]) => `${n}x${s}`).join(' ') };
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'okr-serving-bench-'));
  let started: (() => Promise<void>) | undefined;
  try {
    const store = SqliteEventStore.open({ file: join(dataDir, 'events.sqlite'), synchronous: 'NORMAL' });
    const log = await writeQuarterLog(store, { total: EVENTS, tenantId: TENANT, actor: 'bench' });
    await store.close();
    const headers = { authorization: `Bearer ${await issueEmbeddedToken({ dataDir, tenant: TENANT, user: 'ana', roles: ['admin'] })}` };
    const path = `/api/v1/teams/team-0/dashboard?cycleId=${log.cycleId}`;
    process.stdout.write(`insights serving bench: node ${process.version}, ${availableParallelism()} cpus, ${(log.head + 1).toLocaleString('en-US')} events, one GET every ${PACE_MS} ms\n\n`);

    const { port, alive, stop } = await startService(ROOT, 'insights', dataDir);
    started = stop;
    const listening = performance.now();

    // During the catch-up: a GET, then /health/ready; the GET counts when ready still says catching up.
    const during: Timed = { latencies: [], statuses: new Map() };
    let caughtUpAfter = 0;
    for (;;) {
      const pending: Timed = { latencies: [], statuses: new Map() };
      await alive(timedGet(port, path, headers, pending));
      const ready = await alive(send(port, '/health/ready'));
      if (ready.status === 200) {
        caughtUpAfter = (performance.now() - listening) / 1000;
        break;
      }
      if (ready.body.includes('catching up')) {
        during.latencies.push(...pending.latencies);
        for (const [status, n] of pending.statuses) during.statuses.set(status, (during.statuses.get(status) ?? 0) + n);
      }
      await pause(PACE_MS);
    }
    // Ready once every model that started empty reached the head; the baseline waits for a lag of 0.
    for (let lag = await alive(lagOf(port)); lag.lag > 0 || lag.series < INSIGHTS_READ_MODELS.length * 2; lag = await alive(lagOf(port))) await pause(200);

    const after: Timed = { latencies: [], statuses: new Map() };
    const baselineCount = Math.max(50, Math.min(BASELINE_MAX, during.latencies.length));
    for (let i = 0; i < baselineCount; i += 1) {
      await alive(timedGet(port, path, headers, after));
      await pause(PACE_MS);
    }

    const d = summary(during);
    const a = summary(after);
    const ms = (value: number): string => `${value.toFixed(1)} ms`;
    process.stdout.write('| GET /api/v1/teams/team-0/dashboard | requests | p50 | p99 | answers |\n|---|---|---|---|---|\n');
    process.stdout.write(`| while catching up | ${d.n} | ${ms(d.p50)} | ${ms(d.p99)} | ${d.statuses} |\n`);
    process.stdout.write(`| after, same process (baseline) | ${a.n} | ${ms(a.p50)} | ${ms(a.p99)} | ${a.statuses} |\n`);
    process.stdout.write(`| ratio while / after | | ${(d.p50 / a.p50).toFixed(2)} | ${(d.p99 / a.p99).toFixed(2)} | |\n\n`);
    process.stdout.write(`catch-up from zero while serving: ready ${caughtUpAfter.toFixed(1)} s after its first answer (${Math.round((log.head + 1) / caughtUpAfter).toLocaleString('en-US')} events/s); p99 aim while catching up: < 50 ms (${d.p99 < 50 ? 'met' : 'not met'})\n`);
    if (d.n === 0) throw new Error('no request was answered while insights caught up: raise BENCH_SERVING_EVENTS');
  } finally {
    await started?.();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
