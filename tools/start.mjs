#!/usr/bin/env node
// `npm start`: runs every service that exists in dist/apps on the embedded default, each in its own
// process (as they would run in production), with the shared data folder, and the gateway in front of
// them at http://localhost:3000 (PORT): the web app and the whole API on one origin. Ctrl-C stops them all.
import { fork } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const services = readdirSync(join(root, 'dist/apps'))
  .map((name) => ({ name, main: join(root, 'dist/apps', name, 'src/main.js') }))
  .filter(({ main }) => existsSync(main));

// PORT is the gateway's (the one origin, 3000 by default); the services take the four ports after it
// (3001-3004 by default), so a second platform runs beside a first one with another PORT (the browser suite does).
const { SERVICE_PORTS } = createRequire(import.meta.url)(join(root, 'dist/libs/routing/src/index.js'));
const { PORT, ...shared } = process.env;
const env = { ...shared, OKR_DATA_DIR: resolve(process.env.OKR_DATA_DIR ?? join(root, 'data')) };
const gatewayPort = Number(PORT ?? 3000);
const servicePort = (name) => SERVICE_PORTS[name] - 3000 + gatewayPort;
const upstreams = Object.fromEntries(
  Object.keys(SERVICE_PORTS).map((name) => [`OKR_${name.replace('-', '_').toUpperCase()}_URL`, `http://127.0.0.1:${servicePort(name)}`]),
);
const gatewayEnv = { ...upstreams, ...env, PORT: String(gatewayPort), OKR_WEB_DIR: process.env.OKR_WEB_DIR ?? join(root, 'dist/apps/web') };
const envOf = (name) => (name === 'gateway' ? gatewayEnv : name in SERVICE_PORTS ? { ...env, PORT: String(servicePort(name)) } : env);
let stopping = false;
const children = services.map(({ name, main }) => {
  const child = fork(main, [], { env: envOf(name), stdio: 'inherit' });
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
