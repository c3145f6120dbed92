import { execFileSync } from 'node:child_process';
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
