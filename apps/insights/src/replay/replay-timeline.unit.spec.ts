import { EmbeddedReadStore, type Filter, type FindOptions } from '@okr/read-store';
import { replayAt, UNNAMED, type CheckInsReading, type ReplayObjective } from './replay';
import { replayPage, type StreamReader, type TimelineCollections, type TimelineFilter } from './replay-timeline';
import type { IntegrationEvent } from '@okr/messaging';
import { randomHistory, type RandomHistory } from './testing/random-history';
import { logOf, readerOf, timelineOf } from './testing/timeline-of';

/** Every page of the timeline's answer, followed cursor to cursor. */
async function allPages(collections: TimelineCollections, read: StreamReader, tenantId: string, asOf: Date, filter: TimelineFilter, checkIns: CheckInsReading, limit: number) {
  const page = await replayPage(collections, read, tenantId, asOf, filter, { limit }, UNNAMED, checkIns);
  const objectives = [...page.items];
  const learnings = [...page.learnings];
  const questions = [...page.questions];
  for (let cursor = page.nextCursor; cursor !== null; ) {
    const next = await replayPage(collections, read, tenantId, asOf, filter, { limit, cursor }, UNNAMED, checkIns);
    expect(next.items.length).toBeLessThanOrEqual(limit);
    objectives.push(...next.items);
    learnings.push(...next.learnings);
    questions.push(...next.questions);
    cursor = next.nextCursor;
  }
  return { objectives, learnings, questions };
}

const byId = <T extends { id: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.id.localeCompare(b.id));

/** The fold's subtree: the root and everything aligned under it, in the fold's order. */
const subtree = (objectives: readonly ReplayObjective[], root: string): ReplayObjective[] => {
  const ids = new Set(objectives.some((o) => o.id === root) ? [root] : []);
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of objectives) if (!ids.has(o.id) && o.parentObjectiveIds.some((p) => ids.has(p))) grew = ids.add(o.id).size > 0;
  }
  return objectives.filter((o) => ids.has(o.id));
};

describe('replay from the temporal read model equals the fold of the log', () => {
  // A store per history: each test's tenants are alone in it.
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it.each([1, 2, 3])('on randomized history %i: every tenant, instant, filter and reading, page after page', async (seed) => {
    const history = randomHistory(seed, 250);
    const collections = await timelineOf(history, store);
    const filters: TimelineFilter[] = [
      {},
      ...history.teams.map((teamId) => ({ teamId })),
      ...history.cycles.map((cycleId) => ({ cycleId })),
      { teamId: history.teams[0], cycleId: history.cycles[1] },
    ];
    let compared = 0;
    for (const tenantId of ['acme', 'other']) {
      for (const asOf of history.instants) {
        for (const checkIns of ['known', 'corrected'] as const) {
          for (const filter of filters) {
            const fold = replayAt(logOf(history), tenantId, asOf, filter, UNNAMED, checkIns);
            const pages = await allPages(collections, readerOf(history), tenantId, asOf, filter, checkIns, 4);
            expect(pages.objectives).toEqual(fold.objectives);
            expect(byId(pages.learnings)).toEqual(byId(fold.learnings));
            expect(byId(pages.questions)).toEqual(byId(fold.questions));
            compared += fold.objectives.length;
          }
          const whole = replayAt(logOf(history), tenantId, asOf, {}, UNNAMED, checkIns);
          for (const root of history.objectiveIds(tenantId).slice(0, 4)) {
            const pages = await allPages(collections, readerOf(history), tenantId, asOf, { subtreeOf: root }, checkIns, 3);
            expect(pages.objectives).toEqual(subtree(whole.objectives, root));
          }
        }
      }
    }
    // The comparison is about something: objectives were shown, of both tenants.
    expect(compared).toBeGreaterThan(50);
  });

  it('finds an objective set (imported) before the objectives of earlier blocks, at an instant those blocks start after', async () => {
    const hour = 3_600_000;
    const start = Date.parse('2026-01-05T00:00:00.000Z');
    // Blocks of 3 in log order: A, B, C set at hours 100-120 (block 0), D imported afterwards with hour 50 (block 1).
    const set = (position: number, name: string, hours: number): IntegrationEvent => ({
      id: `event-${name}`,
      type: 'ObjectiveSet',
      schemaVersion: 1,
      streamId: `objective-${name}`,
      key: name,
      revision: 0,
      position,
      data: { objectiveId: name, cycleId: 'q1', teamId: 'growth', ownerId: 'alice', title: `Objective ${name}` },
      metadata: { tenantId: 'acme', actor: 'alice', correlationId: 'c', causationId: 'c', occurredAt: new Date(start + hours * hour).toISOString() },
    });
    const history: RandomHistory = {
      events: [set(0, 'a', 100), set(1, 'b', 110), set(2, 'c', 120), set(3, 'd', 50)],
      instants: [],
      teams: ['growth'],
      cycles: ['q1'],
      objectiveIds: () => ['a', 'b', 'c', 'd'],
    };
    const collections = await timelineOf(history, store);
    for (const [hours, shown] of [[40, []], [55, ['d']], [105, ['a', 'd']], [130, ['a', 'b', 'c', 'd']]] as const) {
      const asOf = new Date(start + hours * hour);
      const fold = replayAt(logOf(history), 'acme', asOf, {}, UNNAMED, 'known');
      const pages = await allPages(collections, readerOf(history), 'acme', asOf, {}, 'known', 2);
      expect(pages.objectives).toEqual(fold.objectives);
      expect(pages.objectives.map((o) => o.id).sort()).toEqual(shown);
    }
    // At hour 55 block 0 (hours 100-120) is skipped without reading its versions.
    const blocksRead: unknown[] = [];
    const versions = collections.versions;
    const counting = { ...collections, versions: Object.assign(Object.create(versions) as typeof versions, { find: (filter: Filter, options?: FindOptions) => (blocksRead.push(filter['block']), versions.find(filter, options)) }) };
    await replayPage(counting, readerOf(history), 'acme', new Date(start + 55 * hour), {}, {}, UNNAMED, 'known');
    expect(blocksRead.filter((block) => block !== undefined)).toEqual([1]);
  });

  it('never answers from another tenant: an unknown tenant sees nothing at any instant', async () => {
    const history = randomHistory(4, 150);
    const collections = await timelineOf(history, store);
    const late = history.instants[history.instants.length - 1];
    expect((await replayPage(collections, readerOf(history), 'acme', late, {}, {}, UNNAMED, 'known')).items.length).toBeGreaterThan(0);
    expect(await replayPage(collections, readerOf(history), 'nobody', late, {}, {}, UNNAMED, 'known')).toEqual({ asOf: late.toISOString(), items: [], nextCursor: null, learnings: [], questions: [] });
  });

  it("asks names only for the teams and cycles of the page's objectives", async () => {
    const history = randomHistory(6, 200);
    const collections = await timelineOf(history, store);
    const late = history.instants[history.instants.length - 1];
    const asked: string[][] = [];
    const names = async (teamIds: readonly string[], cycleIds: readonly string[]) => {
      asked.push([...teamIds], [...cycleIds]);
      return { team: (teamId: string) => `Team ${teamId}`, cycle: (cycleId: string) => `Cycle ${cycleId}` };
    };
    const page = await replayPage(collections, readerOf(history), 'acme', late, {}, { limit: 2 }, names, 'known');
    expect(page.items.length).toBe(2);
    expect(asked).toEqual([[...new Set(page.items.map((o) => o.teamId))], [...new Set(page.items.map((o) => o.cycleId))]]);
    expect(page.items.map((o) => [o.teamName, o.cycleName])).toEqual(page.items.map((o) => [`Team ${o.teamId}`, `Cycle ${o.cycleId}`]));
  });

  it('keeps no personal data: no note of a check-in, no owner, no text, asker or answerer of a question', async () => {
    const history = randomHistory(5, 300);
    const collections = await timelineOf(history, store);
    expect(JSON.stringify(await collections.checkIns.find({}))).not.toContain('secret note');
    const versions = JSON.stringify(await collections.versions.find({}));
    expect(versions).toContain('question-');
    for (const personal of ['alice', 'ceo', 'gina', 'because', 'why?']) expect(versions).not.toContain(personal);
  });
});
