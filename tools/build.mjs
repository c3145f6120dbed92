#!/usr/bin/env node
// Compiles apps/, libs/, tools/ and bench/ to dist/ with SWC (decorator metadata included, which
// esbuild-based runners lack), rewriting the @okr/* path aliases to relative requires so that
// `node dist/apps/goals/src/main.js` runs with no loader. Tests do not use this: Jest compiles on the fly.
import { transformFile } from '@swc/core';
import { mkdir, readdir, readFile, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'dist');
const quiet = process.argv.includes('--quiet');
const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const { compilerOptions } = JSON.parse(await readFile(join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, '.js'))]),
);

// The web app is a browser bundle built by Vite (`nx run web:build`) into dist/apps/web: not compiled here, not removed.
const webApp = join(root, 'apps/web');

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && path !== webApp) yield* sources(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

const started = Date.now();
for (const entry of await readdir(out, { withFileTypes: true }).catch(() => [])) {
  if (entry.name !== 'apps') await rm(join(out, entry.name), { recursive: true, force: true });
}
for (const app of await readdir(join(out, 'apps')).catch(() => [])) {
  if (app !== 'web') await rm(join(out, 'apps', app), { recursive: true, force: true });
}
let count = 0;
for (const top of ['apps', 'libs', 'tools', 'bench']) {
  for await (const file of sources(join(root, top))) {
    const { code, map } = await transformFile(file, {
      ...swcrc,
      swcrc: false,
      filename: file,
      sourceMaps: true,
      jsc: { ...swcrc.jsc, baseUrl: root, paths },
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
    count++;
  }
}
if (!quiet) process.stderr.write(`built ${count} files into ${relative(root, out) || out} in ${Date.now() - started} ms\n`);
