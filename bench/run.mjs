#!/usr/bin/env node
// Runs the benchmarks in bench/ as shipped: compiles to dist/ once, then each listed benchmark in its own
// Node process, one after the other (they measure the machine; running them together would measure each
// other). Every `*.bench.ts` in bench/ must be listed below: an unlisted one stops the run before
// anything is measured, so a new benchmark cannot be forgotten by `npm run bench` nor by CI's smoke run.
//
//   node bench/run.mjs [--smoke] [name ...]
//
// --smoke runs each at BENCH_SCALE=0.02 (a few seconds; its figures are not measurements) unless
// BENCH_SCALE is set. Names pick a subset (`event-store`, `messaging`, `notifications`, `read-store`, `insights-catch-up`, `shared-log-reads`, `insights-serving`, `aggregates`, `requests`, `replay`, `personal-data`, `export`, `web`). A failing
// benchmark does not stop the others; the run exits 1 if any failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every benchmark, with the Node flags it needs. */
export const BENCHMARKS = [
  { name: 'event-store', node: [] },
  { name: 'messaging', node: [] },
  { name: 'notifications', node: ['--expose-gc'] },
  { name: 'read-store', node: [] },
  { name: 'insights-catch-up', node: [] },
  // The groups of one process sharing the log pages they read, against each reading its own.
  { name: 'shared-log-reads', node: [] },
  // insights' API p50/p99 while it catches up a large log, against the same GET once caught up.
  { name: 'insights-serving', node: [] },
  { name: 'aggregates', node: [] },
  // The goals service against a bare Fastify route doing the same read, fold and append.
  { name: 'requests', node: [] },
  // A large tenant's replay at an instant: the temporal read model against the fold of the log.
  { name: 'replay', node: [] },
  // Reading sealed personal data through the protected store, with and without the key cache.
  { name: 'personal-data', node: [] },
  // A 1,000,000-event log exported as JSON Lines and Parquet, against the same read writing nothing.
  { name: 'export', node: [] },
  // Builds the web app itself, starts the platform with the demo and drives Debian's Chromium.
  { name: 'web', node: [] },
];

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** Benchmarks present in bench/ but not listed, and listed ones that are missing. */
export function unlistedBenchmarks(dir = here) {
  const present = readdirSync(dir)
    .filter((file) => file.endsWith('.bench.ts'))
    .map((file) => file.slice(0, -'.bench.ts'.length));
  const listed = new Set(BENCHMARKS.map((benchmark) => benchmark.name));
  return {
    unlisted: present.filter((name) => !listed.has(name)),
    missing: [...listed].filter((name) => !present.includes(name)),
  };
}

function main(args) {
  const smoke = args.includes('--smoke');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const { unlisted, missing } = unlistedBenchmarks();
  if (unlisted.length > 0 || missing.length > 0) {
    const problems = [
      ...unlisted.map((name) => `bench/${name}.bench.ts is not listed in bench/run.mjs`),
      ...missing.map((name) => `bench/run.mjs lists "${name}" but bench/${name}.bench.ts does not exist`),
    ];
    process.stderr.write(`${problems.join('\n')}\n`);
    return 1;
  }
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 1;
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));

  // The benchmarks, and what the web benchmark starts (the services, the gateway, the demo's tools): Nx build targets, cached.
  const build = spawnSync(process.execPath, [join(root, 'tools/build-projects.mjs'), 'bench', 'goals', 'check-ins', 'insights', 'notifications', 'gateway', 'tools'], { stdio: 'inherit' });
  if (build.status !== 0) return 1;

  const env = { ...process.env };
  if (smoke && !env.BENCH_SCALE) env.BENCH_SCALE = '0.02';
  const failed = [];
  for (const { name, node } of selected) {
    const script = join(root, 'dist/bench', `${name}.bench.js`);
    process.stdout.write(`\n== ${name}${smoke ? ` (smoke, BENCH_SCALE=${env.BENCH_SCALE})` : ''}: node ${[...node, relative(root, script)].join(' ')}\n`);
    const run = spawnSync(process.execPath, [...node, script], { stdio: 'inherit', env, cwd: root });
    if (run.status !== 0) failed.push(`${name} (${run.signal ?? `exit ${run.status}`})`);
  }
  if (failed.length > 0) {
    process.stderr.write(`\nbenchmarks that failed: ${failed.join(', ')}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
