import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@okr/event-store';
import type { EventEnvelope } from '@okr/okr-domain';
import { buildOrganisationDirect } from '../../../tools/large-org/direct';
import { openDirectStore } from '../../../tools/large-org/direct-store';
import { importOrganisation } from '../../../tools/large-org/importer';
import type { Scale } from '../../../tools/large-org/organisation';
import { organisationWrites } from '../../../tools/large-org/writes';
import { listenPlatform, startPlatform, type Platform } from './support/platform';

/** A company, a division, a department and five teams; two quarters of two objectives each: ~1,500 events. */
const TINY: Scale = { teams: 8, objectivesPerTeam: 2, quarters: 2 };
const TENANT = 'large';
const SEED = 'direct';
const BODY_LIMIT = 65_536;
/** What the two import routes write: goals' and check-ins' streams. */
const WRITTEN = new Set(['team', 'cycle', 'cyclename', 'objective', 'checkins', 'learning']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

async function tenantLog(store: EventStore): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for await (const event of store.readAll()) {
    if (event.metadata.tenantId === TENANT && WRITTEN.has(event.streamId.split('-')[0] as string)) events.push(event);
  }
  return events;
}

/**
 * The log by stream, each id replaced by the plan's name of its record (`q0.o3`), or, for records
 * the plan does not name (learnings, most check-ins), by where it first appears; the import's own
 * bookkeeping (event ids, positions, correlation, time of import) left out.
 */
function normalised(events: readonly EventEnvelope[], names: ReadonlyMap<string, string>): Record<string, unknown[]> {
  const tokens = new Map<string, string>();
  const counts = new Map<string, number>();
  const token = (id: string, scope: string) => {
    const name = names.get(id) ?? tokens.get(id);
    if (name !== undefined) return name;
    const n = counts.get(scope) ?? 0;
    counts.set(scope, n + 1);
    tokens.set(id, `${scope}#${n}`);
    return `${scope}#${n}`;
  };
  const byStream: Record<string, unknown[]> = {};
  for (const event of events) {
    const stream = event.streamId.replace(UUID, (id) => token(id, event.streamId.split('-')[0] as string));
    const { importedAt: _importedAt, correlationId: _correlationId, causationId: _causationId, traceparent: _traceparent, ...metadata } = event.metadata;
    const content = JSON.parse(JSON.stringify({ type: event.type, revision: event.revision, schemaVersion: event.schemaVersion, data: event.data, metadata }).replace(UUID, (id) => token(id, stream)));
    (byStream[stream] ??= []).push(content);
  }
  return byStream;
}

/** What every event of the log carries besides its content, the same for both ways of building. */
const bookkeeping = (events: readonly EventEnvelope[]) => ({
  events: events.length,
  imported: events.filter((e) => typeof e.metadata.importedAt === 'string').length,
  causedByTheirRequest: events.filter((e) => e.metadata.causationId === e.metadata.correlationId).length,
  traced: events.filter((e) => e.metadata.traceparent !== undefined).length,
  requests: new Set(events.map((e) => e.metadata.correlationId)).size,
});

describe('the large organisation written straight to the event store (npm run demo -- --scale ... --direct)', () => {
  it('plans writes whose path and body are the same however often they are built (the build sizes each item before it runs it)', () => {
    const id = (name: string) => `id-of-${name}`;
    const built = (write: ReturnType<typeof organisationWrites> extends Iterable<infer W> ? W : never) =>
      JSON.stringify([typeof write.path === 'function' ? write.path(id) : write.path, typeof write.body === 'function' ? write.body(id) : write.body]);
    const changing: string[] = [];
    for (const write of organisationWrites(SEED, TINY)) if (built(write) !== built(write)) changing.push(`${write.kind} ${write.at}`);
    expect(changing).toEqual([]);
  });

  let platform: Platform;
  let directDir: string;
  let imported: EventEnvelope[];
  let importNames: Map<string, string>;

  beforeAll(async () => {
    platform = await startPlatform();
    const urls = await listenPlatform(platform);
    const admin = await platform.token({ tenant: TENANT, user: 'demo-admin', roles: ['admin'] });
    const journalPath = join(platform.dataDir, 'import.journal.ndjson');
    await importOrganisation({ tenant: TENANT, seed: SEED, scale: TINY, urls: { goals: urls.goals, checkIns: urls['check-ins'] }, token: admin, journalPath, bodyLimitBytes: BODY_LIMIT });
    importNames = new Map();
    for (const line of (await readFile(journalPath, 'utf8')).split('\n').slice(1).filter((l) => l.trim() !== '')) {
      for (const [name, id] of Object.entries((JSON.parse(line) as { ids: Record<string, string> }).ids)) importNames.set(id, name);
    }
    const store = openDirectStore({ events: join(platform.dataDir, 'events.sqlite'), keys: join(platform.dataDir, 'personal-data-keys.sqlite') });
    try {
      imported = await tenantLog(store);
    } finally {
      await store.close();
    }
    directDir = await mkdtemp(join(tmpdir(), 'okr-direct-'));
  }, 600_000);
  afterAll(async () => {
    await platform?.close();
    if (directDir) await rm(directDir, { recursive: true, force: true });
  });

  it('writes what the import routes write, stream by stream, and goes on from its journal after a stop', async () => {
    const names = new Map<string, string>();
    const journalPath = join(directDir, 'direct.journal.ndjson');
    const build = async (stopAfter = Infinity) => {
      const store = openDirectStore({ events: join(directDir, 'events.sqlite'), keys: join(directDir, 'personal-data-keys.sqlite') });
      let asked = 0;
      try {
        const report = await buildOrganisationDirect({
          store, tenant: TENANT, seed: SEED, scale: TINY, journalPath, bodyLimitBytes: BODY_LIMIT,
          onId: (name, id) => names.set(id, name),
          shouldStop: () => ++asked > stopAfter,
        });
        return { report, log: await tenantLog(store) };
      } finally {
        await store.close();
      }
    };

    const first = await build(4);
    expect(first.report.interrupted).toBe(true);
    expect(first.log.length).toBeGreaterThan(0);
    expect(first.log.length).toBeLessThan(imported.length);
    const second = await build();
    expect(second.report).toMatchObject({ interrupted: false, alreadyDone: first.report.sentWrites, sentWrites: first.report.writes - first.report.sentWrites });

    expect(imported.length).toBeGreaterThan(1000);
    expect(normalised(second.log, names)).toEqual(normalised(imported, importNames));
    expect(bookkeeping(second.log)).toEqual({ ...bookkeeping(imported), requests: expect.any(Number) });
    // Each request of the import is one transaction of the build, with one correlation id; the import
    // may have sent a request again in two parts (check-ins' view a moment behind goals).
    expect(bookkeeping(second.log).requests).toBeLessThanOrEqual(bookkeeping(imported).requests);
    expect(bookkeeping(second.log).requests).toBeGreaterThan(bookkeeping(imported).requests * 0.9);

    const again = await build();
    expect(again.report).toMatchObject({ alreadyDone: first.report.writes, sentWrites: 0, sentEvents: 0 });
    expect(again.log).toHaveLength(second.log.length);
  });
});
