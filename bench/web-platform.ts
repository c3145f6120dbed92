import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository (this file runs from dist/bench). */
const ROOT = resolve(__dirname, '../..');
const SERVICES = ['goals', 'check-ins', 'insights', 'notifications'] as const;

export interface WebPlatform {
  /** The one origin (the gateway): the web app and the API. */
  url: string;
  stop(): Promise<void>;
}

const answersOk = (url: string) =>
  new Promise<boolean>((done) => {
    const request = get(url, { agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      done(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => done(false));
  });

/** Waits for every URL to answer 200; fails when the platform exits or nothing becomes ready for a while. */
async function waitUntilReady(child: ChildProcess, urls: string[], log: string, stallMs = 120_000): Promise<void> {
  const pending = new Set(urls);
  let progress = Date.now();
  while (pending.size > 0) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the platform exited before it was ready:\n${readFileSync(log, 'utf8').slice(-3000)}`);
    if (Date.now() - progress > stallMs) throw new Error(`not ready after ${stallMs / 1000} s without progress: ${[...pending].join(', ')}`);
    for (const url of [...pending]) {
      if (await answersOk(url)) {
        pending.delete(url);
        progress = Date.now();
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * `npm start` (tools/start.mjs: the four services and the gateway serving dist/apps/web) on a fresh data
 * folder, in a process group of its own on `port` and the four ports after it, with the demo quarter
 * imported (`npm run demo`'s tool). Expects the build done (`npm run bench:web` does it).
 */
export async function startWebPlatform(port: number): Promise<WebPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'okr-web-bench-'));
  const log = join(dataDir, 'platform.log');
  const out = openSync(log, 'w');
  const env = { ...process.env, OKR_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [join(ROOT, 'tools/start.mjs')], { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const serviceUrl = (i: number) => `http://127.0.0.1:${port + 1 + i}`;
  const stop = async () => {
    const exited = child.exitCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, [...SERVICES.map((_, i) => `${serviceUrl(i)}/health/ready`), `http://127.0.0.1:${port}/`], log);
    await promisify(execFile)(process.execPath, [join(ROOT, 'tools/demo.mjs')], {
      cwd: ROOT,
      env: { ...env, GOALS_URL: serviceUrl(0), CHECKINS_URL: serviceUrl(1), INSIGHTS_URL: serviceUrl(2) },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}
