import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from '@okr/platform/testing';
import { importOrganisation, type ImportReport } from '../../../tools/large-org/importer';
import type { Scale } from '../../../tools/large-org/organisation';
import { organisationWrites } from '../../../tools/large-org/writes';
import { listenPlatform, startPlatform, type Platform, type ServiceName } from './support/platform';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A company, a division, a department and five teams; two quarters of two objectives each: ~1,500 events. */
const TINY: Scale = { teams: 8, objectivesPerTeam: 2, quarters: 2 };

/** The titles and names a seed gives, in order (no service needed). */
function titlesOf(seed: string, scale: Scale): string[] {
  const titles: string[] = [];
  for (const write of organisationWrites(seed, scale)) {
    const body = typeof write.body === 'function' ? write.body(() => 'id') : write.body;
    if (typeof body?.['title'] === 'string') titles.push(body['title']);
    if (typeof body?.['name'] === 'string') titles.push(body['name']);
  }
  return titles;
}

describe('a large organisation built through the import routes (npm run demo -- --scale)', () => {
  it('gives the same titles and names for the same seed, others for another seed, never an id', () => {
    const titles = titlesOf('s1', TINY);
    expect(titles.length).toBeGreaterThan(50);
    expect(titlesOf('s1', TINY)).toEqual(titles);
    expect(titlesOf('s2', TINY)).not.toEqual(titles);
    expect(titles.filter((t) => UUID.test(t))).toEqual([]);
  });

  describe('against the four services', () => {
    let platform: Platform;
    let urls: Record<ServiceName, string>;
    let admin: string;
    let journalPath: string;
    let report: ImportReport;
    const tenant = 'large';
    const run = (journal = journalPath) =>
      importOrganisation({ tenant, seed: 'test', scale: TINY, urls: { goals: urls.goals, checkIns: urls['check-ins'] }, token: admin, journalPath: journal, bodyLimitBytes: 65_536 });
    const get = async (service: ServiceName, url: string) => {
      const answer = await platform.call(service, 'GET', url, admin);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const objectivesOf = async (cycleId: string): Promise<{ id: string; title: string }[]> =>
      (await get('goals', `/api/v1/objectives?cycleId=${cycleId}&limit=200`)).items;
    /**
     * Until goals' read models have applied every event of the log (`okr_consumer_lag`, computed when
     * scraped): the lists read before a re-run are then final, not a moment behind the gradings.
     */
    const goalsCaughtUp = () =>
      eventually(async () => {
        const metrics = await (await fetch(`${urls.goals}/metrics`)).text();
        const lags = [...metrics.matchAll(/^okr_consumer_lag\{[^}]*\} (\S+)$/gm)].map((match) => Number(match[1]));
        return lags.length > 0 && lags.every((lag) => lag === 0);
      }, 60_000, "goals' read models caught up");

    beforeAll(async () => {
      platform = await startPlatform();
      urls = await listenPlatform(platform);
      admin = await platform.token({ tenant, user: 'demo-admin', roles: ['admin'] });
      journalPath = join(platform.dataDir, 'large.journal.ndjson');
      report = await run();
    }, 600_000);
    afterAll(async () => {
      await rm(journalPath, { force: true });
      await platform?.close();
    });

    it('reports what it wrote, and the services answer the same counts', async () => {
      expect(report).toMatchObject({ alreadyDone: 0, interrupted: false, sentWrites: report.writes, sentEvents: report.events });
      expect(report.events).toBeGreaterThan(1000);
      expect(report.byKind.team).toBe(TINY.teams);
      expect(Object.keys(report.byKind).sort()).toEqual(
        ['activation', 'check-in', 'closing', 'correction', 'cycle', 'grading', 'key-result', 'learning', 'objective', 'target-revision', 'team'].sort(),
      );

      const teams = await get('goals', '/api/v1/teams?limit=200');
      expect(teams.items).toHaveLength(report.byKind.team);
      expect(teams.items.filter((t: { name: string }) => UUID.test(t.name))).toEqual([]);
      expect(teams.items.filter((t: { parentTeamId?: string }) => !t.parentTeamId).map((t: { id: string }) => t.id)).toEqual(['leadership']);

      // The cycles list, too, follows the cycles' events a moment later: wait for the last closing.
      const cycles = await eventually(async () => {
        const items = (await get('goals', '/api/v1/cycles?limit=200')).items as { id: string; name: string; status: string }[];
        return items.length === report.byKind.cycle && items.every((c) => c.status === 'closed') && items;
      }, 60_000, 'every cycle listed as closed');
      expect(cycles.map((c) => c.name).sort()).toEqual(Object.keys(report.objectivesByCycle).sort());
      for (const cycle of cycles) {
        // The list follows the objectives' events a moment later: wait for it to show them all.
        const objectives = await eventually(async () => {
          const items = await objectivesOf(cycle.id);
          return items.length >= (report.objectivesByCycle[cycle.name] ?? 0) && items;
        }, 60_000, `the objectives of ${cycle.name} listed`);
        expect(objectives).toHaveLength(report.objectivesByCycle[cycle.name] as number);
        expect(objectives.filter((o) => UUID.test(o.title))).toEqual([]);
      }

      const [sample] = await objectivesOf(cycles[0]?.id as string);
      const objective = await get('goals', `/api/v1/objectives/${sample?.id}`);
      expect(objective.keyResults).toHaveLength(3);
      const checkIns = await get('check-ins', `/api/v1/key-results/${objective.keyResults[0].id}/check-ins?limit=200`);
      expect(checkIns.items).toHaveLength(report.byKind['check-in'] / report.byKind['key-result']);
    });

    it('re-run with its journal, sends nothing and adds nothing', async () => {
      await goalsCaughtUp();
      const cycles = (await get('goals', '/api/v1/cycles?limit=200')).items as { id: string }[];
      const before = await Promise.all(cycles.map((c) => objectivesOf(c.id)));
      const again = await run();
      expect(again).toMatchObject({ alreadyDone: report.writes, sentWrites: 0, sentEvents: 0, writes: report.writes, events: report.events });
      expect((await get('goals', '/api/v1/teams?limit=200')).items).toHaveLength(TINY.teams);
      expect(await Promise.all(cycles.map((c) => objectivesOf(c.id)))).toEqual(before);
    });

    it('re-run without its journal, stops at the first record the tenant already has and adds nothing', async () => {
      await goalsCaughtUp();
      const cycles = (await get('goals', '/api/v1/cycles?limit=200')).items as { id: string }[];
      const before = await Promise.all(cycles.map((c) => objectivesOf(c.id)));
      await expect(run(join(platform.dataDir, 'another.journal.ndjson'))).rejects.toThrow(/cycle-name-taken/);
      expect((await get('goals', '/api/v1/cycles?limit=200')).items).toHaveLength(cycles.length);
      expect(await Promise.all(cycles.map((c) => objectivesOf(c.id)))).toEqual(before);
    });
  });
});
