/**
 * `npm run demo -- --scale medium|large [--seed S] [--tenant T] [--journal FILE]`
 * (or `--teams N --quarters Q --objectives-per-team K` for any size): builds a large organisation
 * through the services' import routes, as a migration from another OKR tool would. Progress on
 * stderr; the report (what the organisation holds, events/s, peak memory) on stdout as JSON.
 * Re-running with the same journal sends nothing twice; Ctrl-C stops after the request in flight.
 * Env: GOALS_URL, CHECKINS_URL, OKR_DATA_DIR (for the embedded token and the journal),
 * OKR_BODY_LIMIT_BYTES (as the services'), OKR_TOKEN (an admin token, instead of the embedded one).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { issueEmbeddedToken } from '@okr/platform';
import { importOrganisation, type Progress } from './large-org/importer';
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
const journalPath = values.journal ?? join(dataDir, `demo-${tenant}-${values.seed}.journal.ndjson`);
process.stderr.write(`Building ${scale.teams} teams x ${scale.objectivesPerTeam} objectives x ${scale.quarters} quarters for tenant ${tenant} (seed ${values.seed}); journal ${journalPath}\n`);

// Compiled to CommonJS (no top-level await).
async function main(): Promise<void> {
  const token = process.env['OKR_TOKEN'] ?? (await issueEmbeddedToken({ dataDir, tenant, user: 'demo-admin', roles: ['admin'], expiresIn: '24h' }));
  const report = await importOrganisation({
    tenant,
    seed: values.seed as string,
    scale,
    urls: { goals: process.env['GOALS_URL'] ?? 'http://localhost:3001', checkIns: process.env['CHECKINS_URL'] ?? 'http://localhost:3002' },
    token,
    journalPath,
    bodyLimitBytes: Number(process.env['OKR_BODY_LIMIT_BYTES'] ?? 1024 * 1024),
    shouldStop: () => stopping,
    onProgress: (p: Progress) =>
      process.stderr.write(
        `events ${number.format(p.events)} / ${number.format(p.totalEvents)} (${((100 * p.events) / p.totalEvents).toFixed(1)} %) · ${number.format(Math.round(p.rate))} events/s · ETA ${duration(p.etaSeconds)} · peak RSS ${Math.round(p.rssBytes / 2 ** 20)} MB\n`,
      ),
  });
  process.stdout.write(`${JSON.stringify({ tenant, seed: values.seed, scale, ...report }, null, 2)}\n`);
  if (report.interrupted) process.stderr.write(`Stopped; run the same command again to go on.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(`What was acknowledged is in ${journalPath}; run the same command again to go on from there.\n`);
  process.exitCode = 1;
});
