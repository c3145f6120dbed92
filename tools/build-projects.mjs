#!/usr/bin/env node
// `node tools/build-projects.mjs <project>...`: runs the projects' Nx build targets (SWC into dist/, cached)
// for tests that start compiled services, their tools or the web app. Test workers that build at the
// same moment take turns (a lock folder holding its owner's pid), so that none starts a service from a
// folder another is still writing. Everything else runs `nx run-many -t build` itself.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const lock = join(root, 'tmp', 'build-projects.lock');
const projects = process.argv.slice(2);
if (projects.length === 0) {
  process.stderr.write('usage: node tools/build-projects.mjs <project>...\n');
  process.exit(2);
}

// The build is an Nx run of its own, not a step of the Nx task (`npm test`) a test may run in: two test
// tasks building in turn would otherwise look to Nx like one task invoking itself.
// Nx's plugins (Jest, ESLint, Vite) load in this process rather than one worker process each: that halves
// the graph's cost of a build that is most often a cache hit.
const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^NX_(TASK_|INVOCATION_ROOT_PID|TERMINAL_OUTPUT_PATH|STREAM_OUTPUT|PREFIX_OUTPUT)/.test(name)),
  ),
  NX_ISOLATE_PLUGINS: process.env.NX_ISOLATE_PLUGINS ?? 'false',
};

function ownerAlive() {
  try {
    process.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    if (error.code === 'EPERM') return true;
    // No pid yet: taken a moment ago, or its owner died in between (an old folder).
    if (error.code === 'ENOENT') return Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10_000;
    return false;
  }
}

mkdirSync(join(root, 'tmp'), { recursive: true });
const pause = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    break;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    if (ownerAlive()) Atomics.wait(pause, 0, 0, 200);
    else rmSync(lock, { recursive: true, force: true });
  }
}
try {
  const nx = createRequire(import.meta.url).resolve('nx/bin/nx.js');
  execFileSync(process.execPath, [nx, 'run-many', '-t', 'build', '-p', projects.join(','), '--output-style=static'], { cwd: root, env, stdio: ['ignore', 2, 2] });
} catch (error) {
  process.exitCode = error.status ?? 1;
} finally {
  rmSync(lock, { recursive: true, force: true });
}
