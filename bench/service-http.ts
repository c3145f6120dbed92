/**
 * What the benchmarks that start a service from dist/ need to talk to it: a GET over keep-alive
 * connections, a free port, a pause and a percentile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createServer } from 'node:net';

export interface Reply {
  status: number;
  body: string;
}

/** Keep-alive connections for {@link send} (destroy it when done). */
export const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** GET `path` of the service on `port`: its status and body. */
export function send(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'GET', path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', fail);
    req.end();
  });
}

/** A port nothing listens on now. */
export const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The `p`th percentile of ascending `sorted` values. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export interface StartedService {
  port: number;
  child: ChildProcess;
  /** `work`, or a failure as soon as the service exits. */
  alive<T>(work: Promise<T>): Promise<T>;
  /** SIGTERM, resolved once it exited (nothing when it had). */
  stop(): Promise<void>;
}

/**
 * Starts `dist/apps/{app}/src/main.js` of `root` on a free port with `dataDir` as its data folder (warn
 * logs, rate limits off, stderr inherited) and resolves once `/health/live` answers (Nest starting is
 * the only time a refused connection is expected).
 */
export async function startService(root: string, app: string, dataDir: string): Promise<StartedService> {
  const port = await freePort();
  const env = { ...process.env, OKR_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', OKR_RATE_LIMIT_PER_IP: '0', OKR_RATE_LIMIT_PER_PRINCIPAL: '0' };
  const child = spawn(process.execPath, [join(root, `dist/apps/${app}/src/main.js`)], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<never>((_, fail) => child.once('exit', (code, signal) => fail(new Error(`${app} exited (${signal ?? code})`))));
  exited.catch(() => undefined);
  const alive = <T>(work: Promise<T>): Promise<T> => Promise.race([work, exited]);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await done;
  };
  try {
    while ((await alive(send(port, '/health/live').catch(() => undefined)))?.status !== 200) await pause(50);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, child, alive, stop };
}
