/**
 * The goals service against the same work done by hand (a benchmark, not a test).
 *
 * Two OS processes on one data folder: the goals service as `npm start` runs it (dist/apps/goals/src/main.js, the
 * embedded SQLite store at `synchronous=FULL`, rate limits off) and a bare Fastify server
 * (`requests-bare-server.ts`) that reads the same kind of stream from the same SQLite file, folds it
 * with the same decider and appends the same events. The bench process is the client, over raw
 * keep-alive sockets (node:http's client cost about as much CPU per request as the bare route itself, on
 * the same 2 cores; the client's busy share of a core is reported): CONCURRENCY connections, each on
 * objectives of its own (no request waits for another's lock on a stream), for
 *
 *   - a command: `POST /objectives/{id}/rewordings` (load, decide, append one ObjectiveReworded), and
 *   - a read: `GET /objectives/{id}` (load and fold).
 *
 * Each case runs two ways: closed loop (every connection sends its next request when it has the answer:
 * the same concurrency, each side as fast as it goes; throughput) and open loop (the same request rate
 * on both sides, latency counted from when a request was due). The sides take turns of REQUESTS
 * requests in ROUNDS short rounds, alternating which goes first, on objectives that start at the same
 * length; ratios are medians of per-round ratios service / bare, with their lowest and highest (the
 * machine is shared and noisy: a burst from elsewhere lands on one round of both sides, not on one side).
 * Aims: throughput ≥ 0.5×, p99 ≤ 2× the bare route's. Beside them, each side's server process's CPU
 * time per request (Linux /proc): what a request costs, which moves far less with the machine's load.
 *
 * Run: `npm run bench -- requests`. BENCH_REQUESTS_CONCURRENCY (default 16), BENCH_REQUESTS_ROUNDS (12),
 * BENCH_REQUESTS_PER_ROUND (1,500), BENCH_REQUESTS_RATE (requests/s of the open loop; default half the
 * service's closed-loop throughput in the same round, BENCH_REQUESTS_RATE_SHARE); BENCH_REQUESTS_CASES=command
 * or =read runs one case; BENCH_REQUESTS_PROFILE=<dir> starts the service under `node --cpu-prof` and
 * leaves its profile in <dir> (with `windows.json`: when each measured case ran, on the profile's clock);
 * BENCH_REQUESTS_SERVICE=<main.js> starts another build of the service (a before/after pair in one session).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { issueEmbeddedToken } from '@okr/platform';
import { benchSize } from './bench-size';

/** The load: the same at every BENCH_SCALE, so a smoke run exercises it too. */
const CONCURRENCY = Number(process.env['BENCH_REQUESTS_CONCURRENCY'] || 16);
const REQUESTS = benchSize(1500, { env: 'BENCH_REQUESTS_PER_ROUND', min: 40 });
const ROUNDS = benchSize(12, { env: 'BENCH_REQUESTS_ROUNDS', min: 2 });
/**
 * The open-loop rate: BENCH_REQUESTS_RATE requests/s, else this share of the service's own closed-loop
 * throughput in the same round (a load it serves without a standing queue), the same for both sides.
 */
const RATE = process.env['BENCH_REQUESTS_RATE'] ? Number(process.env['BENCH_REQUESTS_RATE']) : undefined;
const RATE_SHARE = Number(process.env['BENCH_REQUESTS_RATE_SHARE'] || 0.5);
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

/**
 * A keep-alive HTTP/1.1 connection over a raw socket, one request at a time: the load generator runs on
 * the same 2 cores as both servers, so it must cost little next to them (node:http's client cost about
 * as much CPU per request as the bare route itself). Answers are read by Content-Length.
 */
class Connection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting?: { done: (reply: Reply) => void; fail: (error: Error) => void };

  constructor(private readonly port: number) {
    this.socket = connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.answer();
    });
    this.socket.on('error', (error) => this.waiting?.fail(error));
    this.socket.on('close', () => this.waiting?.fail(new Error(`connection to ${port} closed`)));
  }

  send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    let head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body !== undefined) head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`;
    return new Promise((done, fail) => {
      this.waiting = { done, fail };
      this.socket.write(`${head}\r\n${payload}`);
    });
  }

  private answer(): void {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return this.waiting.fail(new Error(`no content-length in ${head}`));
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const reply = { status: Number(head.slice(9, 12)), body: this.buffered.toString('utf8', end + 4, total) };
    this.buffered = this.buffered.subarray(total);
    const { done } = this.waiting;
    this.waiting = undefined;
    done(reply);
  }

  close(): void {
    this.socket.destroy();
  }
}

const connections = new Map<number, Connection[]>();
/** The `index`th keep-alive connection to `port`. */
const connection = (port: number, index = 0): Connection => {
  const open = connections.get(port) ?? [];
  connections.set(port, open);
  return (open[index] ??= new Connection(port));
};

const send = (port: number, method: string, path: string, headers: Record<string, string>, body?: unknown, index = 0): Promise<Reply> =>
  connection(port, index).send(method, path, headers, body);

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
const reword = (side: Side, id: string, index = 0) =>
  send(side.port, 'POST', `${side.prefix}/objectives/${id}/rewordings`, side.headers, { title: `Activation, take ${(titles += 1)}` }, index);

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) of the side's server process per request, in ms; NaN where /proc is not readable. */
  cpuPerRequest: number;
  /** Share of one core the load generator (this process) was busy: near 1, it would be the bottleneck. */
  clientBusy: number;
  latencies: number[];
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

/** Monotonic time in µs, the clock of a `--cpu-prof` profile's samples. */
const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);
/** When the service served a measured case, to read its profile for that case alone. */
const profiledWindows: { kind: string; from: number; to: number }[] = [];

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * CONCURRENCY connections sending `total` requests of one case in all; throughput and latency percentiles.
 * Without `perSecond` each connection sends its next request as soon as it has the answer (closed loop:
 * each side as fast as it goes, the same concurrency). With it, request i is due at `i / perSecond`
 * (open loop: the same request rate on both sides); the next free connection sends it, and its latency
 * counts from when it was due, so time spent waiting for a free connection counts too.
 */
async function load(side: Side, kind: 'command' | 'read', total: number, perSecond?: number): Promise<Measured> {
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = cpuMillis(side.pid);
  const clientBefore = process.cpuUsage();
  const from = monotonicMicros();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, index) => {
      for (let mine = 0; next < total; mine += 1) {
        const due = perSecond === undefined ? undefined : started + (next * 1000) / perSecond;
        next += 1;
        if (due !== undefined && due > performance.now()) await sleep(due - performance.now());
        const id = side.objectives[index * PER_CONNECTION + (mine % PER_CONNECTION)];
        // From when it was due; a timer that fired a little early counts from when it was sent.
        const sent = due === undefined ? performance.now() : Math.min(due, performance.now());
        const reply = kind === 'command' ? await reword(side, id, index) : await send(side.port, 'GET', `${side.prefix}/objectives/${id}`, side.headers, undefined, index);
        latencies.push(performance.now() - sent);
        expectStatus(reply, kind === 'command' ? 201 : 200, `${side.name} ${kind}`);
      }
    }),
  );
  const elapsed = performance.now() - started;
  if (side.name === 'service') profiledWindows.push({ kind, from, to: monotonicMicros() });
  const client = process.cpuUsage(clientBefore);
  const cpuPerRequest = (cpuMillis(side.pid) - cpuBefore) / total;
  const sorted = [...latencies].sort((x, y) => x - y);
  return {
    perSecond: (total * 1000) / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuPerRequest,
    clientBusy: (client.user + client.system) / 1000 / elapsed,
    latencies,
  };
}

async function waitForHealth(child: ChildProcess, port: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the goals service exited with ${child.exitCode}`);
    const probe = new Connection(port);
    const reply = await probe.send('GET', '/health/ready', {}).catch(() => undefined);
    probe.close();
    if (reply?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startService(dataDir: string): ChildProcess {
  const profile = process.env['BENCH_REQUESTS_PROFILE'];
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const env = { ...process.env, OKR_DATA_DIR: dataDir, PORT: String(SERVICE_PORT), LOG_LEVEL: 'warn', OKR_RATE_LIMIT_PER_IP: '0', OKR_RATE_LIMIT_PER_PRINCIPAL: '0' };
  return spawn(process.execPath, [...flags, process.env['BENCH_REQUESTS_SERVICE'] || join(ROOT, 'dist/apps/goals/src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
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
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, index) => {
      for (const id of side.objectives.slice(index * PER_CONNECTION, (index + 1) * PER_CONNECTION)) {
        for (let events = 1; events < PRIOR_EVENTS; events += 1) expectStatus(await reword(side, id, index), 201, `${side.name} seed`);
      }
    }),
  );
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
    // Warm both sides once, then short rounds in which the sides take turns, alternating which goes first:
    // what else the shared machine runs lands on both sides of a round alike, and each round gives one
    // ratio. A round's open-loop rate comes from its own closed-loop run of the service, just before.
    for (const kind of CASES) for (const side of sides) await projected(file).then(() => load(side, kind, REQUESTS));
    const results: Record<string, Measured[]> = {};
    const rates: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const kind of CASES) {
        for (const paced of [false, true]) {
          const rate = paced ? (RATE ?? Math.max(1, Math.round(results[`service ${kind} false`][round].perSecond * RATE_SHARE))) : undefined;
          if (rate !== undefined) (rates[kind] ??= []).push(rate);
          for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
            await projected(file);
            (results[`${side.name} ${kind} ${paced}`] ??= []).push(await load(side, kind, REQUESTS, rate));
          }
        }
      }
    }
    const profile = process.env['BENCH_REQUESTS_PROFILE'];
    if (profile) writeFileSync(join(profile, 'windows.json'), JSON.stringify(profiledWindows));

    const db = new Database(file, { readonly: true });
    const finalLength = db.prepare<[], number>(`SELECT round(avg(n)) FROM (SELECT count(*) n FROM events WHERE category = 'objective' GROUP BY stream_id)`).pluck().get();
    db.close();
    console.log(`\n(objectives' streams at the end: ${finalLength} events on average; per side: median of ${ROUNDS} rounds; ratios: median of per-round ratios [lowest-highest])`);
    const spread = (values: number[]): string => `${fixed(median(values), 2)} [${fixed(Math.min(...values), 2)}-${fixed(Math.max(...values), 2)}]`;
    for (const kind of CASES) {
      for (const paced of [false, true]) {
        const s = results[`service ${kind} ${paced}`];
        const b = results[`bare ${kind} ${paced}`];
        const pick = (ms: Measured[], key: 'perSecond' | 'p50' | 'p99' | 'cpuPerRequest' | 'clientBusy', digits = 1) => fixed(median(ms.map((m) => m[key])), digits);
        const ratios = (key: 'perSecond' | 'p50' | 'p99' | 'cpuPerRequest') => s.map((m, i) => m[key] / b[i][key]);
        const pooled = (ms: Measured[]) => percentile(ms.flatMap((m) => m.latencies).sort((x, y) => x - y), 99);
        const p99Ratios = ratios('p99');
        const how = paced ? `the same rate on both sides, ${fixed(median(rates[kind]), 0)} requests/s (median of rounds; open loop)` : `${CONCURRENCY} connections each (closed loop, each side as fast as it goes)`;
        console.log(`\n${kind === 'command' ? 'POST /objectives/{id}/rewordings' : 'GET /objectives/{id}'} at ${how}    service / bare`);
        if (!paced) console.log(`  throughput         ${pick(s, 'perSecond', 0)} / ${pick(b, 'perSecond', 0)} per s    ratio ${spread(ratios('perSecond'))}    (aim >= 0.5)`);
        console.log(`  p50                ${pick(s, 'p50')} / ${pick(b, 'p50')} ms    ratio ${spread(ratios('p50'))}`);
        console.log(`  p99                ${pick(s, 'p99')} / ${pick(b, 'p99')} ms    ratio ${spread(p99Ratios)}    (aim <= 2; held in ${p99Ratios.filter((r) => r <= 2).length} of ${ROUNDS} rounds)`);
        console.log(`  p99 of all rounds  ${fixed(pooled(s))} / ${fixed(pooled(b))} ms    ratio ${fixed(pooled(s) / pooled(b), 2)}`);
        console.log(`  server CPU         ${pick(s, 'cpuPerRequest', 3)} / ${pick(b, 'cpuPerRequest', 3)} ms per request    ratio ${spread(ratios('cpuPerRequest'))}`);
        console.log(`  client busy        ${pick(s, 'clientBusy', 2)} / ${pick(b, 'clientBusy', 2)} of one core (the load generator, this process)`);
        console.log(`  p99 ratio by round ${p99Ratios.map((r) => fixed(r, 2)).join(' ')}`);
      }
    }
  } finally {
    for (const open of connections.values()) for (const each of open) each.close();
    await Promise.all(children.map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
