import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = resolve(__dirname, '../../../..');
/** Screenshots, the platform's log and the exported CSV: ignored by git (.gitignore). */
export const ARTIFACTS = join(ROOT, 'artifacts/web');

/** The four services, in the order of their ports after the gateway's (`npm start`: 3000, then 3001..3004). */
const SERVICES = ['goals', 'check-ins', 'insights', 'notifications'] as const;
type Service = (typeof SERVICES)[number];

/** `npm start` as a person runs it, on a fresh data folder and ports of its own. */
export interface PlatformProcess {
  /** The one origin: the web app and the whole API (the gateway). */
  url: string;
  serviceUrls: Record<Service, string>;
  dataDir: string;
  /** The process group's leader (tools/start.mjs); its group holds every service. */
  pid: number;
  log: string;
  stop(): Promise<void>;
}

/** Whether nothing listens on the port (a bind of every interface succeeds). */
const portIsFree = (port: number) =>
  new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => done(true)));
  });

/**
 * A port P with P..P+4 free: the gateway on P and the services on the four after it, as `npm start`
 * lays them out, beside any platform already running on the defaults.
 */
async function freePortRange(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768+), where outgoing connections take their ports.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const checks = await Promise.all([0, 1, 2, 3, 4].map((i) => portIsFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('No five consecutive free ports found between 20000 and 32004');
}

/** The services, the tools and the web app's bundle, through their Nx build targets (cached), as `npm start` builds them. */
export async function buildPlatform(): Promise<void> {
  await run(process.execPath, [join(ROOT, 'tools/build-projects.mjs'), 'goals', 'check-ins', 'insights', 'notifications', 'gateway', 'tools', 'web'], { cwd: ROOT });
}

const tail = (file: string) => readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');

/** One GET without keep-alive (a pooled socket would keep Jest's main process alive after the run). */
const answersOk = (url: string) =>
  new Promise<boolean>((done) => {
    const request = get(url, { agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      done(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => done(false));
  });

/**
 * Waits until every service answers `GET /health/ready` and the gateway serves the app. Progress is
 * what counts: the wait fails when the platform exits, or when nothing new became ready for `stallMs`.
 */
async function waitUntilReady(child: ChildProcess, urls: string[], log: string, stallMs = 90_000): Promise<void> {
  const pending = new Set(urls);
  let lastProgress = Date.now();
  while (pending.size > 0) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`npm start exited (${child.signalCode ?? child.exitCode}) before it was ready; its log:\n${tail(log)}`);
    }
    if (Date.now() - lastProgress > stallMs) {
      throw new Error(`Still not ready after ${stallMs / 1000} s without progress: ${[...pending].join(', ')}; the log:\n${tail(log)}`);
    }
    for (const url of [...pending]) {
      if (await answersOk(url)) {
        pending.delete(url);
        lastProgress = Date.now();
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ends the whole process group: SIGTERM (start.mjs stops its services), then SIGKILL if it lingers. */
async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid as number;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  signalGroup('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
  clearTimeout(timer);
  // start.mjs exits once its children have; a child that ignored SIGTERM must not outlive the suite.
  signalGroup('SIGKILL');
  if (!gone) await exited;
}

/**
 * Starts `node tools/start.mjs` in a process group of its own on a fresh OKR_DATA_DIR and free ports,
 * waits for readiness and imports the demo quarter (`npm run demo`'s tool). Stops everything on failure.
 */
export async function startPlatformProcess(options: { env?: Record<string, string>; demo?: boolean; logName?: string } = {}): Promise<PlatformProcess> {
  await mkdir(ARTIFACTS, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'okr-web-e2e-'));
  const base = await freePortRange();
  const serviceUrls = Object.fromEntries(SERVICES.map((name, i) => [name, `http://127.0.0.1:${base + 1 + i}`])) as Record<Service, string>;
  const url = `http://127.0.0.1:${base}`;
  const log = join(ARTIFACTS, options.logName ?? 'platform.log');
  const out = openSync(log, 'w');
  const env = { ...process.env, OKR_DATA_DIR: dataDir, PORT: String(base), LOG_LEVEL: 'warn', ...options.env };
  const child = spawn(process.execPath, [join(ROOT, 'tools/start.mjs')], { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const stop = async () => {
    await killGroup(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, [...SERVICES.map((s) => `${serviceUrls[s]}/health/ready`), `${url}/`], log);
    if (options.demo !== false) await run(process.execPath, [join(ROOT, 'tools/demo.mjs')], {
      cwd: ROOT,
      env: { ...env, GOALS_URL: serviceUrls.goals, CHECKINS_URL: serviceUrls['check-ins'], INSIGHTS_URL: serviceUrls.insights },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, serviceUrls, dataDir, pid: child.pid as number, log, stop };
}
