import { summarizeKeyResult, type KeyResultSummary, type SummaryCheckIn } from './objective-summary';

const keyResult = (checkIns: SummaryCheckIn[]): KeyResultSummary => ({
  id: 'kr1',
  title: 'Activation to 40%',
  kind: 'increase',
  measure: { kind: 'increase', start: 20, target: 40, unit: '%' },
  dropped: false,
  value: null,
  confidence: null,
  lastCheckInAt: null,
  latestEffectiveAt: null,
  progress: 0,
  recentConfidences: [],
  checkIns,
  checkInRevision: checkIns.length - 1,
  grade: null,
});

/** 96 check-ins over 24 days, shuffled (deterministically), with ties on effectiveAt and on both instants. */
const shuffledCheckIns = (): SummaryCheckIn[] => {
  const checkIns: SummaryCheckIn[] = [];
  for (let i = 0; i < 96; i++) {
    const day = String(1 + ((i * 7) % 24)).padStart(2, '0');
    // Calendar dates and instants mixed, as check-ins and measurements carry them.
    const effectiveAt = i % 3 === 0 ? `2026-10-${day}` : `2026-10-${day}T00:00:00Z`;
    const recordedAt = `2026-11-01T0${i % 4}:00:00Z`;
    checkIns.push({ id: `c${i}`, value: i, confidence: (i % 10) / 10, effectiveAt, recordedAt });
  }
  return checkIns;
};

describe('objective summary: a key result\'s check-ins in order', () => {
  afterEach(() => jest.restoreAllMocks());

  it('sorts by effectiveAt, then recordedAt, a full tie keeping stream order', () => {
    const checkIns = shuffledCheckIns();
    const millis = (at: string) => Date.parse(/T/.test(at) ? at : `${at}T00:00:00Z`);
    const expected = checkIns
      .map((checkIn, index) => ({ checkIn, index }))
      .sort((a, b) => millis(a.checkIn.effectiveAt) - millis(b.checkIn.effectiveAt) || Date.parse(a.checkIn.recordedAt) - Date.parse(b.checkIn.recordedAt) || a.index - b.index)
      .map(({ checkIn }) => checkIn.id);
    const summary = summarizeKeyResult(keyResult(checkIns));
    expect(summary.checkIns.map((checkIn) => checkIn.id)).toEqual(expected);
    expect(summary.latestEffectiveAt).toBe(checkIns.find((checkIn) => checkIn.id === expected.at(-1))?.effectiveAt);
  });

  it('parses each check-in\'s instants a bounded number of times, not at every comparison of the sort', () => {
    const checkIns = shuffledCheckIns();
    const parse = jest.spyOn(Date, 'parse');
    summarizeKeyResult(keyResult(checkIns));
    // Sorting by a comparator that parses both sides costs about 4 n log2 n parses (over 2,000 here).
    expect(parse.mock.calls.length).toBeLessThanOrEqual(5 * checkIns.length);
  });
});
