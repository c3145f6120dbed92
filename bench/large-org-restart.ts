/**
 * insights restarted on a read store it already built (a data folder kept by
 * `BENCH_KEEP=1 node dist/bench/large-org-insights.js <data dir>`): how long until it answers, and what
 * a team's dashboard GET meets until it is ready. A measurement, not a benchmark of the suite.
 *
 * Each round starts dist/apps/insights/src/main.js of every checkout given (this one by default) in
 * turn, on the same folder, so that an earlier commit built in another worktree is measured alternately
 * with this one on the same data and the same machine load:
 * - live: from spawning the process until `/health/live` answers 200;
 * - first dashboard answer: until the first `GET /teams/{team}/dashboard` answers (asked once live;
 *   requests wait while the read store loads);
 * - ready: until `/health/ready` answers 200, with the dashboard asked every PACE_MS meanwhile;
 * - stop: from SIGTERM until the process exited; CPU seconds and RSS at ready.
 *
 * Run: `node dist/bench/large-org-restart.js <insights data dir> [checkout root ...]` after
 * `npx nx run-many -t build -p bench insights` (and the same build in each other checkout).
 * Env: BENCH_ROUNDS (default 3), BENCH_SERVING_PACE_MS (default 100).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { auditorHeaders, dashboardPath, largeOrgSubject, row, timed, timedGet, usage } from './large-org-service';
import { agent, pause, send, startService } from './service-http';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const PACE_MS = Number(process.env['BENCH_SERVING_PACE_MS'] ?? 100);
const HERE = resolve(__dirname, '../..');

interface Restart {
  root: string;
  live: number;
  firstAnswer: number;
  ready: number;
  stop: number;
  cpu: number;
  rssMb: number;
}

async function main(): Promise<void> {
  const [dataDir, ...others] = process.argv.slice(2);
  if (!dataDir || !existsSync(join(dataDir, 'insights.read.sqlite'))) throw new Error('usage: large-org-restart <insights data dir holding insights.read.sqlite> [checkout root ...]');
  const roots = others.length > 0 ? others.map((root) => resolve(root)) : [HERE];
  for (const root of roots) if (!existsSync(join(root, 'dist/apps/insights/src/main.js'))) throw new Error(`${root}: dist/apps/insights/src/main.js not built`);
  const { tenantId, teamId, cycleId, head } = await largeOrgSubject(dataDir);
  const headers = await auditorHeaders(dataDir, tenantId);
  const dashboard = dashboardPath(teamId, cycleId);
  process.stdout.write(
    `large-org restart: node ${process.version}, ${availableParallelism()} cpus, ${(head + 1).toLocaleString('en-US')} events, ` +
      `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n\n`,
  );

  const restarts: Restart[] = [];
  const served = new Map(roots.map((root) => [root, timed()]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const root of roots) {
      const spawned = performance.now();
      const since = (): number => (performance.now() - spawned) / 1000;
      const service = await startService(root, 'insights', dataDir);
      try {
        const live = since();
        const during = served.get(root) ?? timed();
        await service.alive(timedGet(service.port, dashboard, headers, during));
        const firstAnswer = since();
        while ((await service.alive(send(service.port, '/health/ready'))).status !== 200) {
          await pause(PACE_MS);
          await service.alive(timedGet(service.port, dashboard, headers, during));
        }
        const ready = since();
        const { cpu, rssMb } = usage(service.child.pid as number);
        const stopping = performance.now();
        await service.stop();
        const restart = { root, live, firstAnswer, ready, stop: (performance.now() - stopping) / 1000, cpu, rssMb };
        restarts.push(restart);
        process.stderr.write(`round ${round}, ${root}: live ${live.toFixed(1)} s, first answer ${firstAnswer.toFixed(1)} s, ready ${ready.toFixed(1)} s\n`);
      } finally {
        await service.stop();
      }
    }
  }

  process.stdout.write('| checkout | round | live | first dashboard answer | ready | stop (SIGTERM to exit) | CPU until ready | RSS at ready |\n|---|---|---|---|---|---|---|---|\n');
  restarts.forEach((r, i) =>
    process.stdout.write(
      `| ${r.root} | ${Math.floor(i / roots.length) + 1} | ${r.live.toFixed(1)} s | ${r.firstAnswer.toFixed(1)} s | ${r.ready.toFixed(1)} s | ${r.stop.toFixed(1)} s | ${r.cpu.toFixed(1)} s | ${r.rssMb.toFixed(0)} MB |\n`,
    ),
  );
  process.stdout.write('\n| team dashboard until ready | n | p50 | p99 | max | answers |\n|---|---|---|---|---|---|\n');
  for (const [root, t] of served) process.stdout.write(row(root, t));
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => agent.destroy());
