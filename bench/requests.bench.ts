/**
 * The goals service against the same work done by hand (a benchmark, not a test).
 *
 * Two OS processes on one data folder: the goals service as `npm start` runs it (dist/apps/goals/src/main.js, the
 * embedded SQLite store at `synchronous=FULL`, rate limits off) and a bare Fastify server
 * (`requests-bare-server.ts`) that reads the same kind of stream from the same SQLite file, folds it
 * with the same decider and appends the same events. The bench process is the client: CONCURRENCY
 * keep-alive connections, each sending its requests one after another, each connection on objectives
 * of its own (no request waits for another's lock on a stream), for
 *
 *   - a command: `POST /objectives/{id}/rewordings` (load, decide, append one ObjectiveReworded), and
 *   - a read: `GET /objectives/{id}` (load and fold).
 *
 * The sides take turns of REQUESTS requests per case and round, on objectives that start at the same
 * length; ratios are medians of per-round ratios service / bare (the machine is shared and noisy).
 * Aims: throughput ≥ 0.5×, p99 ≤ 2× the bare route's. Beside them, each side's server process's CPU
 * time per request (Linux /proc): what a request costs, which moves far less with the machine's load.
 *
 * Run: `npm run bench -- requests`. BENCH_REQUESTS_CONCURRENCY (default 16); BENCH_REQUESTS_CASES=command
 * or =read runs one case; BENCH_REQUESTS_PROFILE=<dir> starts the service under `node --cpu-prof` and
 * leaves its profile in <dir>.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { issueEmbeddedToken } from '@okr/platform';
import { benchSize } from './bench-size';

/** The load: the same at every BENCH_SCALE, so a smoke run exercises it too. */
const CONCURRENCY = Number(process.env['BENCH_REQUESTS_CONCURRENCY'] || 16);
const REQUESTS = benchSize(2000, { min: 40 });
const ROUNDS = benchSize(3, { min: 1 });
/** Objectives per connection; each starts with PRIOR_EVENTS events. */
const PER_CONNECTION = 4;
const CASES = (['command', 'read'] as const).filter((kind) => (process.env['BENCH_REQUESTS_CASES'] || 'command,read').split(',').includes(kind));
const PRIOR_EVENTS = 20;
const ROOT = resolve(__dirname, '../..');
const SERVICE_PORT = Number(process.env['BENCH_REQUESTS_PORT'] ?? 3790);
const BARE_PORT = SERVICE_PORT + 1;

interface Reply {
  status: number;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

function send(port: number, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((done, fail) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.once('error', fail);
    req.end(payload);
  });
}

interface Side {
  name: 'service' | 'bare';
  port: number;
  /** The side's server process, whose CPU time a case is charged. */
  pid: number;
  headers: Record<string, string>;
  /** Path prefix of the objectives routes. */
  prefix: string;
  /** Objective ids, PER_CONNECTION per connection. */
  objectives: string[];
}

const expectStatus = (reply: Reply, status: number, what: string): Reply => {
  if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${reply.body.slice(0, 300)}`);
  return reply;
};

let titles = 0;
const reword = (side: Side, id: string) =>
  send(side.port, 'POST', `${side.prefix}/objectives/${id}/rewordings`, side.headers, { title: `Activation, take ${(titles += 1)}` });

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) of the side's server process per request, in ms; NaN where /proc is not readable. */
  cpuPerRequest: number;
}

/**
 * CPU time a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). Unlike throughput and
 * latency on a shared machine, this barely depends on what else runs: it tells what a request costs.
 */
function cpuMillis(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** CONCURRENCY connections sending `total` requests of one case in all; throughput and latency percentiles. */
async function load(side: Side, kind: 'command' | 'read', total: number): Promise<Measured> {
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = cpuMillis(side.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, connection) => {
      for (let mine = 0; next < total; mine += 1) {
        next += 1;
        const id = side.objectives[connection * PER_CONNECTION + (mine % PER_CONNECTION)];
        const sent = performance.now();
        const reply = kind === 'command' ? await reword(side, id) : await send(side.port, 'GET', `${side.prefix}/objectives/${id}`, side.headers);
        latencies.push(performance.now() - sent);
        expectStatus(reply, kind === 'command' ? 201 : 200, `${side.name} ${kind}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPerRequest = (cpuMillis(side.pid) - cpuBefore) / total;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerRequest };
}

async function waitForHealth(child: ChildProcess, port: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the goals service exited with ${child.exitCode}`);
    const reply = await send(port, 'GET', '/health/ready', {}).catch(() => undefined);
    if (reply?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startService(dataDir: string): ChildProcess {
  const profile = process.env['BENCH_REQUESTS_PROFILE'];
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const env = { ...process.env, OKR_DATA_DIR: dataDir, PORT: String(SERVICE_PORT), LOG_LEVEL: 'warn', OKR_RATE_LIMIT_PER_IP: '0', OKR_RATE_LIMIT_PER_PRINCIPAL: '0' };
  return spawn(process.execPath, [...flags, join(ROOT, 'dist/apps/goals/src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function startBare(file: string): Promise<ChildProcess> {
  const child = fork(join(__dirname, 'requests-bare-server.js'), [file, String(BARE_PORT)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((done, fail) => {
    child.once('message', () => done(child));
    child.once('exit', (code) => fail(new Error(`the bare server exited with ${code}`)));
  });
}

const stop = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null ? Promise.resolve() : new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM')));

/** PER_CONNECTION objectives per connection, each of PRIOR_EVENTS events, through the side's own routes. */
async function seed(side: Side, create: (id: string) => Promise<Reply>): Promise<void> {
  for (let index = 0; index < CONCURRENCY * PER_CONNECTION; index += 1) {
    const id = uuidv7();
    const created = JSON.parse(expectStatus(await create(id), 201, `${side.name} create`).body) as { id?: string };
    side.objectives.push(created.id ?? id);
  }
  await Promise.all(side.objectives.map(async (id) => {
    for (let events = 1; events < PRIOR_EVENTS; events += 1) expectStatus(await reword(side, id), 201, `${side.name} seed`);
  }));
}

/**
 * Waits until every consumer group of goals' topic has checkpointed the log's head: the service's own
 * read models have projected what the last case wrote, so one case's background work does not land in
 * the next one's figures (the bare server keeps no read models).
 */
async function projected(file: string): Promise<void> {
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    const head = db.prepare<[], number>('SELECT max(position) FROM events').pluck();
    const behind = db.prepare<[number], number>(`SELECT count(*) FROM bus_checkpoints WHERE topic = 'okr.goals.v1' AND position < ?`).pluck();
    const checkpoints = db.prepare<[], number>(`SELECT total(position) FROM bus_checkpoints WHERE topic = 'okr.goals.v1'`).pluck();
    let moved = Date.now();
    for (let last = checkpoints.get(); (behind.get(head.get() ?? 0) ?? 0) > 0; await new Promise((r) => setTimeout(r, 50))) {
      const now = checkpoints.get();
      if (now !== last) [last, moved] = [now, Date.now()];
      if (Date.now() - moved > 30_000) throw new Error("goals' read models stopped short of the log's head");
    }
  } finally {
    db.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (value: number, digits = 1): string => value.toFixed(digits);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'okr-requests-bench-'));
  const children: ChildProcess[] = [];
  try {
    const service = startService(dataDir);
    children.push(service);
    await waitForHealth(service, SERVICE_PORT);
    const file = join(dataDir, 'events.sqlite');
    const bare = await startBare(file);
    children.push(bare);

    const token = await issueEmbeddedToken({ dataDir, tenant: 'bench', user: 'ana', roles: ['admin'] });
    const sides: Side[] = [
      { name: 'service', port: SERVICE_PORT, pid: service.pid ?? -1, headers: { authorization: `Bearer ${token}` }, prefix: '/api/v1', objectives: [] },
      { name: 'bare', port: BARE_PORT, pid: bare.pid ?? -1, headers: {}, prefix: '', objectives: [] },
    ];
    const [serviceSide, bareSide] = sides;
    const cycle = { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };
    const cycleId = (JSON.parse(expectStatus(await send(SERVICE_PORT, 'POST', '/api/v1/cycles', serviceSide.headers, cycle), 201, 'cycle').body) as { id: string }).id;
    await seed(serviceSide, () => send(SERVICE_PORT, 'POST', '/api/v1/objectives', serviceSide.headers, { cycleId, teamId: 'growth', title: 'New customers succeed' }));
    await seed(bareSide, (objectiveId) => send(BARE_PORT, 'POST', '/objectives', {}, { objectiveId, title: 'New customers succeed' }));

    console.log(
      `requests bench: node ${process.version}, ${availableParallelism()} cpus, ${CONCURRENCY} connections, ` +
        `${REQUESTS} requests per case, side and round, ${ROUNDS} rounds, ${CONCURRENCY * PER_CONNECTION} objectives per side of ${PRIOR_EVENTS} events at the start`,
    );
    const results: Record<string, Measured[]> = {};
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const kind of CASES) {
        // Warm both sides, then alternate which goes first.
        const order = round % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
          await projected(file);
          await load(side, kind, Math.max(CONCURRENCY, Math.floor(REQUESTS / 10)));
          (results[`${side.name} ${kind}`] ??= []).push(await load(side, kind, REQUESTS));
        }
      }
    }

    const db = new Database(file, { readonly: true });
    const finalLength = db.prepare<[], number>(`SELECT round(avg(n)) FROM (SELECT count(*) n FROM events WHERE category = 'objective' GROUP BY stream_id)`).pluck().get();
    db.close();
    console.log(`\n(objectives' streams at the end: ${finalLength} events on average; median of ${ROUNDS} rounds; ratios are medians of per-round ratios)`);
    console.log(`${'case'.padEnd(34)}${'service /s'.padStart(12)}${'bare /s'.padStart(10)}${'ratio'.padStart(8)}${'p50 ms'.padStart(16)}${'p99 ms'.padStart(18)}${'p99 ratio'.padStart(11)}${'CPU ms/request'.padStart(18)}${'CPU ratio'.padStart(11)}`);
    for (const kind of CASES) {
      const label = kind === 'command' ? 'POST /objectives/{id}/rewordings' : 'GET /objectives/{id}';
      const s = results[`service ${kind}`];
      const b = results[`bare ${kind}`];
      const throughput = median(s.map((m, i) => m.perSecond / b[i].perSecond));
      const p99 = median(s.map((m, i) => m.p99 / b[i].p99));
      const cpu = median(s.map((m, i) => m.cpuPerRequest / b[i].cpuPerRequest));
      const pick = (ms: Measured[], key: keyof Measured) => median(ms.map((m) => m[key]));
      console.log(
        `${label.padEnd(34)}${fixed(pick(s, 'perSecond'), 0).padStart(12)}${fixed(pick(b, 'perSecond'), 0).padStart(10)}${fixed(throughput, 2).padStart(8)}` +
          `${`${fixed(pick(s, 'p50'))} / ${fixed(pick(b, 'p50'))}`.padStart(16)}${`${fixed(pick(s, 'p99'))} / ${fixed(pick(b, 'p99'))}`.padStart(18)}${fixed(p99, 2).padStart(11)}` +
          `${`${fixed(pick(s, 'cpuPerRequest'), 2)} / ${fixed(pick(b, 'cpuPerRequest'), 2)}`.padStart(18)}${fixed(cpu, 2).padStart(11)}`,
      );
    }
  } finally {
    agent.destroy();
    await Promise.all(children.map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
