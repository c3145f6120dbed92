import { EmbeddedReadStore } from '@okr/read-store';
import { UNNAMED } from '../replay/replay';
import { randomHistory } from '../replay/testing/random-history';
import { logOf, readerOf, timelineOf } from '../replay/testing/timeline-of';
import { framesOf, type FramesRequest } from './frames';
import { framesFromTimeline } from './frames-timeline';

describe('frames from the temporal read model equal the frames folded from the log', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it.each([7, 8])('on randomized history %i: an objective, a team, a cycle, a team in a cycle; by day and by week; both readings', async (seed) => {
    const history = randomHistory(seed, 250);
    const collections = await timelineOf(history, store);
    const [first, , , last] = history.instants.slice(1);
    const objectives = history.objectiveIds('acme');
    const targets: Omit<FramesRequest, 'from' | 'to' | 'step'>[] = [
      { objectiveId: objectives[0] },
      { objectiveId: objectives[objectives.length - 1], teamId: history.teams[1] },
      { teamId: history.teams[0] },
      { cycleId: history.cycles[0] },
      { teamId: history.teams[2], cycleId: history.cycles[1] },
    ];
    let shown = 0;
    for (const step of ['day', 'week'] as const) {
      const from = step === 'day' ? new Date(last.getTime() - 20 * 86_400_000) : first;
      for (const target of targets) {
        for (const checkIns of ['known', 'corrected'] as const) {
          const request: FramesRequest = { from, to: last, step, checkIns, ...target };
          const expected = framesOf(logOf(history), 'acme', request, UNNAMED);
          expect(await framesFromTimeline(collections, readerOf(history), 'acme', request, UNNAMED)).toEqual(expected);
          shown += expected.frames.reduce((sum, frame) => sum + frame.objectives.length + frame.learnings.length, 0);
        }
      }
    }
    expect(shown).toBeGreaterThan(50);
  });

  it("asks names only for the teams and cycles of the objectives it shows, never every team of the tenant", async () => {
    const history = randomHistory(7, 250);
    const collections = await timelineOf(history, store);
    const [first, , , last] = history.instants.slice(1);
    const asked: string[][] = [];
    const names = async (teamIds: readonly string[], cycleIds: readonly string[]) => {
      asked.push([...teamIds].sort(), [...cycleIds].sort());
      return { team: (teamId: string) => `Team ${teamId}`, cycle: (cycleId: string) => `Cycle ${cycleId}` };
    };
    const request: FramesRequest = { from: first, to: last, step: 'week', teamId: history.teams[0] };
    const view = await framesFromTimeline(collections, readerOf(history), 'acme', request, names);
    const shown = view.frames.flatMap((frame) => frame.objectives);
    expect(shown.length).toBeGreaterThan(0);
    expect(asked).toEqual([[history.teams[0]], [...new Set(shown.map((o) => o.cycleId))].sort()]);
    expect(shown.every((o) => o.teamName === `Team ${o.teamId}` && o.cycleName === `Cycle ${o.cycleId}`)).toBe(true);
  });
});
