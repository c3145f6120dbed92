import type { CheckInRecorded } from './check-in';
import { checkInsAsOf, checkInsKnownAt, latestCheckIn, latestConfidence } from './bitemporal';

/**
 * The work the bitemporal queries do, counted rather than timed: how often they parse a time
 * (`Date.parse`). Each check-in's moments are parsed a few times at most; a sort whose comparator
 * parsed both sides at every comparison did it O(n log n) times (a replay page spent most of its time
 * there).
 */
const recorded = (n: number): CheckInRecorded => ({
  type: 'CheckInRecorded',
  data: {
    checkInId: `ci-${n}`,
    keyResultId: 'kr-1',
    objectiveId: 'o-1',
    value: n,
    confidence: n % 10,
    // Recorded out of order, as late check-ins are: the sort has work to do.
    effectiveAt: new Date(Date.UTC(2026, 0, 1) + ((n * 7919) % 1000) * 86_400_000).toISOString().slice(0, 10),
    recordedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
  },
});

const parsesOf = (run: () => unknown): number => {
  const parse = jest.spyOn(Date, 'parse');
  try {
    run();
    return parse.mock.calls.length;
  } finally {
    parse.mockRestore();
  }
};

describe('bitemporal queries parse each moment a bounded number of times', () => {
  const n = 1_000;
  const events = Array.from({ length: n }, (_, i) => recorded(i));
  const asOf = new Date('2029-01-01T00:00:00Z');

  it.each([
    ['checkInsAsOf', () => checkInsAsOf(events, asOf)],
    ['checkInsKnownAt', () => checkInsKnownAt(events, asOf, asOf)],
  ])('%s: at most 4 parses per check-in', (_, run) => {
    expect(parsesOf(run)).toBeLessThanOrEqual(4 * n);
  });

  it('latestCheckIn and latestConfidence: one parse per check-in, and two more on a tie', () => {
    const views = checkInsAsOf(events, asOf);
    const ties = views.filter((view, i) => i > 0 && view.effectiveAt === views[i - 1].effectiveAt).length;
    expect(parsesOf(() => latestCheckIn(views))).toBeLessThanOrEqual(n + 2 * ties);
    expect(parsesOf(() => latestConfidence(views))).toBeLessThanOrEqual(n + 2 * ties);
  });

  it('orders as before: by the moment described, then by the moment recorded', () => {
    const views = checkInsAsOf([...events, recorded(n)], asOf);
    const keys = views.map((view) => [Date.parse(`${view.effectiveAt}T00:00:00Z`), Date.parse(view.recordedAt)]);
    for (let i = 1; i < keys.length; i += 1) expect(keys[i][0] - keys[i - 1][0] || keys[i][1] - keys[i - 1][1]).toBeGreaterThan(0);
    expect(latestCheckIn(views)).toBe(views[views.length - 1]);
  });
});
