import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildProjects, withDistUnchanged } from './workspace-build';

/** The services and tools compiled as `npm start` runs them (their Nx build targets, cached); returns dist/. */
export function buildWorkspace(): string {
  return buildProjects();
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export interface RunningService {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** Sends the signal and resolves with how the process ended. */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a compiled service as its own OS process and waits until /health/ready answers 200 (or, with
 * `untilReady: false`, only until it is spawned: to kill it while it is still starting).
 */
export async function startService(
  service: string,
  env: Record<string, string>,
  timeoutMs = 20_000,
  options: { untilReady?: boolean } = {},
): Promise<RunningService> {
  const dist = buildWorkspace();
  const port = await freePort();
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  // Spawned and held until it answers /health/live (its code loaded) or exits, while no build rewrites dist/.
  const child = await withDistUnchanged(async () => {
    const started = spawn(process.execPath, [join(dist, 'apps', service, 'src/main.js')], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const loadedBy = Date.now() + 120_000;
    while (options.untilReady !== false && started.exitCode === null && Date.now() < loadedBy) {
      if (await fetch(`${url}/health/live`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return started;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => ok({ code, signal }));
  });
  // A start that exits fails at once; one that hangs fails after a budget that a busy CI machine cannot
  // exhaust (a 20 s budget failed "goals not ready" on a loaded 2-core machine).
  timeoutMs = Math.max(timeoutMs, 120_000);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (options.untilReady === false) break;
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}: ${output}`);
    const ready = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${service} not ready after ${timeoutMs} ms: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `npm run token` as a newcomer runs it, against the compiled CLI. */
export function cliToken(dataDir: string, args: string[]): string {
  const dist = buildWorkspace();
  return execFileSync(process.execPath, [join(dist, 'tools/token.js'), ...args], {
    env: { ...process.env, OKR_DATA_DIR: dataDir },
    encoding: 'utf8',
  }).trim();
}
