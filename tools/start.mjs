#!/usr/bin/env node
// `npm start`: runs every service that exists in dist/apps on the embedded default, each in its own
// process (as they would run in production), with the shared data folder, and the gateway in front of
// them at http://localhost:3000 (PORT): the web app and the whole API on one origin. Ctrl-C stops them all.
import { fork } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const services = readdirSync(join(root, 'dist/apps'))
  .map((name) => ({ name, main: join(root, 'dist/apps', name, 'src/main.js') }))
  .filter(({ main }) => existsSync(main));

// PORT is the gateway's (the one origin, 3000 by default); each service keeps its own default port.
const { PORT, ...shared } = process.env;
const env = { ...shared, OKR_DATA_DIR: resolve(process.env.OKR_DATA_DIR ?? join(root, 'data')) };
const gatewayEnv = { ...env, PORT: PORT ?? '3000', OKR_WEB_DIR: process.env.OKR_WEB_DIR ?? join(root, 'dist/apps/web') };
let stopping = false;
const children = services.map(({ name, main }) => {
  const child = fork(main, [], { env: name === 'gateway' ? gatewayEnv : env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${name} exited (${signal ?? code}); stopping the others\n`);
    stop(code ?? 1);
  });
  return child;
});

function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => process.exit(code), 10_000);
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => {
    clearTimeout(timer);
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.stderr.write(`starting ${services.map((s) => s.name).join(', ')} with data in ${env.OKR_DATA_DIR}\n`);
if (services.some((s) => s.name === 'gateway')) process.stderr.write(`open http://localhost:${gatewayEnv.PORT}\n`);
