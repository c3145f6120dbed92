import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
/** What tests run as OS processes: the four services, the gateway and the command-line tools (`npm run token`, the demo). */
export const PROCESS_PROJECTS = ['goals', 'check-ins', 'insights', 'notifications', 'gateway', 'tools'];
const built = new Set<string>();

/**
 * Compiles projects through their Nx `build` targets (SWC, cached: what did not change is restored,
 * not recompiled) into dist/, laid out as the sources are, so that `node dist/apps/goals/src/main.js`
 * runs as under `npm start`. Returns dist/. Once per test file and list of projects.
 */
export function buildProjects(projects: string[] = PROCESS_PROJECTS): string {
  const key = [...projects].sort().join(' ');
  if (!built.has(key)) {
    try {
      execFileSync(process.execPath, [join(root, 'tools/build-projects.mjs'), ...projects], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      const { stderr } = error as { stderr?: Buffer };
      throw new Error(`nx build of ${key} failed:\n${stderr?.toString() ?? ''}`, { cause: error });
    }
    built.add(key);
  }
  return join(root, 'dist');
}

/** The folder tools/build-projects.mjs holds while it writes dist/ (its owner's pid inside). */
const LOCK = join(root, 'tmp', 'build-projects.lock');

const lockOwnerAlive = (): boolean => {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return true;
    // No pid yet: taken a moment ago, or its owner died in between (an old folder).
    if (code === 'ENOENT') return Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10_000;
    return false;
  }
};

/**
 * Runs `work` (starting a process from dist/, until it has loaded its code) while no test worker's build
 * writes dist/: the lock tools/build-projects.mjs takes. A build restores a project's folder from Nx's
 * cache (deleting it first), and a service restarted by one test file while another file's build
 * rewrote dist/libs/platform failed with "Cannot find module './trace-context'".
 */
export async function withDistUnchanged<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockOwnerAlive()) await new Promise((r) => setTimeout(r, 200));
      else rmSync(LOCK, { recursive: true, force: true });
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
