/**
 * `npm run demo -- --scale medium|large [--seed S] [--tenant T] [--journal FILE] [--direct]`
 * (or `--teams N --quarters Q --objectives-per-team K` for any size): builds a large organisation
 * through the services' import routes, as a migration from another OKR tool would. Progress on
 * stderr; the report (what the organisation holds, events/s, peak memory) on stdout as JSON.
 * Re-running with the same journal sends nothing twice; Ctrl-C stops after the request in flight.
 * Env: GOALS_URL, CHECKINS_URL, OKR_DATA_DIR (for the embedded token and the journal),
 * OKR_BODY_LIMIT_BYTES (as the services'), OKR_TOKEN (an admin token, instead of the embedded one).
 * `--direct` writes the same plan straight into the event store of the configuration (`OKR_DATA_DIR`,
 * `OKR_EVENT_STORE`, `OKR_KEY_STORE`) through the deciders, without the services (see
 * tools/large-org/direct.ts): minutes instead of hours for `large`. Run it with the services stopped.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openEventStore } from '@okr/event-store';
import { eventStoreConfig, issueEmbeddedToken, loadConfig } from '@okr/platform';
import { buildOrganisationDirect } from './large-org/direct';
import { openDirectStore } from './large-org/direct-store';
import { importOrganisation, type ImportReport, type Progress } from './large-org/importer';
import { SCALES, type Scale } from './large-org/organisation';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'medium' },
    seed: { type: 'string', default: 'okr' },
    tenant: { type: 'string' },
    journal: { type: 'string' },
    teams: { type: 'string' },
    quarters: { type: 'string' },
    'objectives-per-team': { type: 'string' },
    direct: { type: 'boolean', default: false },
  },
});

const preset = SCALES[values.scale as keyof typeof SCALES];
if (!preset) {
  process.stderr.write(`--scale must be small, medium or large, not "${values.scale}"\n`);
  process.exit(2);
}
const whole = (text: string | undefined, fallback: number, name: string): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${name} must be a whole number of at least 1\n`);
    process.exit(2);
  }
  return n;
};
const scale: Scale = {
  teams: whole(values.teams, preset.teams, '--teams'),
  quarters: Math.min(4, whole(values.quarters, preset.quarters, '--quarters')),
  objectivesPerTeam: whole(values['objectives-per-team'], preset.objectivesPerTeam, '--objectives-per-team'),
};
const tenant = values.tenant ?? `acme-${values.scale}`;
const dataDir = resolve(process.env['OKR_DATA_DIR'] ?? 'data');

let stopping = false;
const stop = () => {
  if (stopping) process.exit(130);
  stopping = true;
  process.stderr.write('\nStopping after the request in flight (Ctrl-C again to quit at once; the journal then misses it)\n');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const duration = (seconds: number) =>
  Number.isFinite(seconds) ? `${Math.floor(seconds / 60)}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s` : '?';
const number = new Intl.NumberFormat('en');
const journalPath = values.journal ?? join(dataDir, `demo-${tenant}-${values.seed}${values.direct ? '.direct' : ''}.journal.ndjson`);
process.stderr.write(`${values.direct ? 'Writing straight to the event store: ' : ''}Building ${scale.teams} teams x ${scale.objectivesPerTeam} objectives x ${scale.quarters} quarters for tenant ${tenant} (seed ${values.seed}); journal ${journalPath}\n`);

// Compiled to CommonJS (no top-level await).
async function main(): Promise<void> {
  const onProgress = (p: Progress) =>
    process.stderr.write(
      `events ${number.format(p.events)} / ${number.format(p.totalEvents)} (${((100 * p.events) / p.totalEvents).toFixed(1)} %) · ${number.format(Math.round(p.rate))} events/s · ETA ${duration(p.etaSeconds)} · peak RSS ${Math.round(p.rssBytes / 2 ** 20)} MB\n`,
    );
  const report = values.direct ? await direct(onProgress) : await imported(onProgress);
  process.stdout.write(`${JSON.stringify({ tenant, seed: values.seed, scale, ...report }, null, 2)}\n`);
  if (report.interrupted) process.stderr.write(`Stopped; run the same command again to go on.\n`);
}

/** The services' own store (personal data sealed, chain hashed), without their snapshots. */
async function direct(onProgress: (p: Progress) => void): Promise<ImportReport> {
  const { snapshots: _snapshots, foldCache: _foldCache, ...config } = eventStoreConfig(loadConfig({ PORT: '0', ...process.env, OKR_DATA_DIR: dataDir }));
  const store =
    config.kind === 'sqlite' && config.personalDataKeys?.kind === 'sqlite'
      ? openDirectStore({ events: config.file, keys: config.personalDataKeys.file })
      : await openEventStore(config);
  try {
    return await buildOrganisationDirect({ store, tenant, seed: values.seed as string, scale, journalPath, shouldStop: () => stopping, onProgress });
  } finally {
    await store.close();
  }
}

async function imported(onProgress: (p: Progress) => void): Promise<ImportReport> {
  const token = process.env['OKR_TOKEN'] ?? (await issueEmbeddedToken({ dataDir, tenant, user: 'demo-admin', roles: ['admin'], expiresIn: '24h' }));
  return importOrganisation({
    tenant,
    seed: values.seed as string,
    scale,
    urls: { goals: process.env['GOALS_URL'] ?? 'http://localhost:3001', checkIns: process.env['CHECKINS_URL'] ?? 'http://localhost:3002' },
    token,
    journalPath,
    bodyLimitBytes: Number(process.env['OKR_BODY_LIMIT_BYTES'] ?? 1024 * 1024),
    shouldStop: () => stopping,
    onProgress,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(`What was acknowledged is in ${journalPath}; run the same command again to go on from there.\n`);
  process.exitCode = 1;
});
