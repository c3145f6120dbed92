/**
 * insights on a large organisation's data folder (`npm run demo -- --scale large --direct`), as a
 * newcomer would start it: a measurement, not a benchmark of the suite.
 *
 * The folder's events.sqlite and personal-data-keys.sqlite are copied into a fresh data folder (no read
 * store: every read model starts from zero); insights starts on it from dist/apps/insights/src/main.js
 * (embedded bus and read store, rate limits off). Measured:
 * - the catch-up: seconds from its first answer until /health/ready, the service's CPU seconds and peak
 *   RSS (sampled each second), summed consumer lag every 30 s;
 * - a team's dashboard GET every PACE_MS meanwhile (counted while /health/ready says catching up), then
 *   the same GET on the caught-up service (the baseline);
 * - then `GET /api/v1/replay?asOf=` of the whole organisation (the first page, 50 objectives), of one
 *   team and of the cycle, at random instants across the log's time span: p50 / p99 of each.
 *
 * Run: `node dist/bench/large-org-insights.js <data dir>` after `npx nx run-many -t build -p bench insights`.
 * Env: BENCH_SERVING_PACE_MS (default 100), BENCH_REPLAY_REQUESTS (default 100 per case), BENCH_DIR
 * (where the fresh data folder goes; default the system's temp folder), BENCH_KEEP=1 keeps it.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditorHeaders, dashboardPath, largeOrgSubject, row, timed, timedGet, usage, type Timed } from './large-org-service';
import { agent, pause, send, startService } from './service-http';

const PACE_MS = Number(process.env['BENCH_SERVING_PACE_MS'] ?? 100);
const REPLAY_REQUESTS = Number(process.env['BENCH_REPLAY_REQUESTS'] ?? 100);
const ROOT = resolve(__dirname, '../..');

async function lagOf(port: number): Promise<number> {
  const { body } = await send(port, '/metrics');
  let lag = 0;
  for (const line of body.split('\n')) {
    const match = /^okr_consumer_lag\{[^}]*group="insights\.[^"]*"[^}]*\} (\S+)$/.exec(line);
    if (match) lag += Number(match[1]);
  }
  return lag;
}

/** `okr_consumer_batch_duration_seconds` of every group together: how many batches, and the share within each bound. */
function batchDurations(metrics: string): string {
  const within = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const match = /^okr_consumer_batch_duration_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)$/.exec(line);
    if (match) within.set(match[1], (within.get(match[1]) ?? 0) + Number(match[2]));
  }
  const total = within.get('+Inf') ?? 0;
  if (total === 0) return 'none timed';
  const share = (le: string): string => `${((100 * (within.get(le) ?? 0)) / total).toFixed(1)} %`;
  return `${total.toLocaleString('en-US')}; within 20 ms ${share('0.02')}, 50 ms ${share('0.05')}, 100 ms ${share('0.1')}, 250 ms ${share('0.25')}, 1 s ${share('1')}`;
}

async function main(): Promise<void> {
  const [source] = process.argv.slice(2);
  if (!source || !existsSync(join(source, 'events.sqlite'))) throw new Error('usage: large-org-insights <data dir holding events.sqlite>');
  const dataDir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'okr-large-insights-'));
  let started: (() => Promise<void>) | undefined;
  try {
    for (const file of ['events.sqlite', 'personal-data-keys.sqlite']) if (existsSync(join(source, file))) copyFileSync(join(source, file), join(dataDir, file));
    const { tenantId, teamId, cycleId, from, last, head } = await largeOrgSubject(dataDir);
    const headers = await auditorHeaders(dataDir, tenantId);
    const dashboard = dashboardPath(teamId, cycleId);
    process.stdout.write(
      `large-org insights: node ${process.version}, ${availableParallelism()} cpus, ${(head + 1).toLocaleString('en-US')} events of tenant ${tenantId}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n\n`,
    );

    const { port, child: service, alive, stop } = await startService(ROOT, 'insights', dataDir);
    started = stop;
    let peakRss = 0;
    const sampler = setInterval(() => {
      if (service.pid !== undefined && service.exitCode === null) peakRss = Math.max(peakRss, usage(service.pid).rssMb);
    }, 1000);

    const listening = performance.now();
    const cpuAtListen = usage(service.pid as number).cpu;
    const during = timed();
    let nextReport = 30;
    let readyAfter = 0;
    for (;;) {
      const pending = timed();
      await alive(timedGet(port, dashboard, headers, pending));
      const ready = await alive(send(port, '/health/ready'));
      const seconds = (performance.now() - listening) / 1000;
      if (ready.status === 200) {
        readyAfter = seconds;
        break;
      }
      if (ready.body.includes('catching up')) {
        during.latencies.push(...pending.latencies);
        for (const [status, n] of pending.statuses) during.statuses.set(status, (during.statuses.get(status) ?? 0) + n);
      }
      if (seconds >= nextReport) {
        const now = usage(service.pid as number);
        process.stderr.write(`${seconds.toFixed(0)} s: lag ${(await alive(lagOf(port))).toLocaleString('en-US')} · cpu ${(now.cpu - cpuAtListen).toFixed(0)} s · rss ${now.rssMb.toFixed(0)} MB (peak ${peakRss.toFixed(0)})\n`);
        nextReport += 30;
      }
      await pause(PACE_MS);
    }
    const cpuToReady = usage(service.pid as number).cpu - cpuAtListen;
    const batches = batchDurations((await alive(send(port, '/metrics'))).body);
    for (let lag = await alive(lagOf(port)); lag > 0; lag = await alive(lagOf(port))) await pause(500);

    const after = timed();
    for (let i = 0; i < Math.max(50, Math.min(1000, during.latencies.length)); i++) {
      await alive(timedGet(port, dashboard, headers, after));
      await pause(PACE_MS);
    }
    const instants = Array.from({ length: REPLAY_REQUESTS }, (_, i) => new Date(from + ((last - from) * ((i * 7919) % REPLAY_REQUESTS)) / REPLAY_REQUESTS).toISOString());
    const replays: Array<[string, Timed]> = [];
    for (const [name, filter] of [
      ['whole organisation', ''],
      [`team ${teamId}`, `&teamId=${encodeURIComponent(teamId)}`],
      ['the cycle', `&cycleId=${cycleId}`],
    ] as const) {
      const t = timed();
      let objectives = 0;
      for (const asOf of instants) {
        const reply = await alive(timedGet(port, `/api/v1/replay?asOf=${asOf}${filter}`, headers, t));
        objectives = Math.max(objectives, (JSON.parse(reply.body) as { items?: unknown[] }).items?.length ?? 0);
      }
      replays.push([`GET /api/v1/replay?asOf=, ${name} (first page, up to ${objectives} objectives)`, t]);
    }

    process.stdout.write('| request | n | p50 | p99 | max | answers |\n|---|---|---|---|---|---|\n');
    process.stdout.write(row('team dashboard while catching up', during));
    process.stdout.write(row('team dashboard caught up (baseline)', after));
    for (const [name, t] of replays) process.stdout.write(row(name, t));
    process.stdout.write(
      `\ncatch-up from zero while serving: ready ${readyAfter.toFixed(0)} s after its first answer: ${Math.round((head + 1) / readyAfter).toLocaleString('en-US')} events/s, ` +
        `${cpuToReady.toFixed(0)} CPU seconds (${Math.round((head + 1) / cpuToReady).toLocaleString('en-US')} events per CPU second), peak RSS ${peakRss.toFixed(0)} MB\n`,
    );
    clearInterval(sampler);

    process.stdout.write(`read-model batches until ready: ${batches}\n`);
    const scrape = (await alive(send(port, '/metrics'))).body;
    for (const line of scrape.split('\n')) if (line.startsWith('okr_read_store_cache')) process.stdout.write(`${line}\n`);

    // A restart on the read store just built: until the service answers, and what it holds then.
    await stop();
    started = undefined;
    const restarting = performance.now();
    const again = await startService(ROOT, 'insights', dataDir);
    started = again.stop;
    const liveAfter = (performance.now() - restarting) / 1000;
    while ((await again.alive(send(again.port, '/health/ready'))).status !== 200) await pause(100);
    const readyAgain = (performance.now() - restarting) / 1000;
    const restarted = usage(again.child.pid as number);
    process.stdout.write(
      `restart on that read store: live after ${liveAfter.toFixed(1)} s, ready after ${readyAgain.toFixed(1)} s, ${restarted.cpu.toFixed(1)} CPU seconds, RSS then ${restarted.rssMb.toFixed(0)} MB\n`,
    );
  } finally {
    await started?.();
    agent.destroy();
    if (process.env['BENCH_KEEP'] === '1') process.stdout.write(`kept ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
