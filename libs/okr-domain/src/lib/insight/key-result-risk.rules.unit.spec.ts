import type { KeyResultMeasure, KeyResultValue } from '../objective/key-result';
import { kindRiskReasons, valueForPeople, type KeyResultRiskFacts, type KindRiskOptions } from './key-result-risk.rules';

const Q3 = { startsOn: '2026-07-01', endsOn: '2026-09-30' };
const OPTIONS: KindRiskOptions = { paceMargin: 0.2, paceGraceDays: 14, milestoneWarningDays: 14 };
const ACTIVATED = '2026-07-01T08:00:00Z';
const EARLY = new Date('2026-07-03T09:00:00Z');

const facts = (measure: KeyResultMeasure, value: KeyResultValue | null, overrides: Partial<KeyResultRiskFacts> = {}): KeyResultRiskFacts => ({
  title: 'NPS',
  measure,
  value,
  progress: 0,
  ...overrides,
});

const reasons = (kr: KeyResultRiskFacts, now = EARLY, cycle: typeof Q3 | undefined = Q3) => kindRiskReasons(kr, ACTIVATED, cycle, now, OPTIONS);

describe('kind-aware risk', () => {
  describe('a floor, a ceiling or a range breached is at risk at once, whatever the time', () => {
    it.each([
      [{ kind: 'stay-at-or-above', threshold: 40 }, 38, 'below-floor', 'NPS 38 is below its floor of 40.'],
      [{ kind: 'stay-at-or-below', threshold: 300, unit: 'ms' }, 310, 'above-ceiling', 'NPS 310 ms is above its ceiling of 300 ms.'],
      [{ kind: 'stay-within-range', min: 0, max: 0.5, unit: '%' }, 0.7000000000000001, 'outside-range', 'NPS 0.7% is outside its range of 0% to 0.5%.'],
      [{ kind: 'stay-within-range', min: 10, max: 20 }, 9, 'outside-range', 'NPS 9 is outside its range of 10 to 20.'],
    ] as [KeyResultMeasure, number, string, string][])('%j at %p: %s', (measure, value, code, message) => {
      expect(reasons(facts(measure, value))).toEqual([{ code, message }]);
      // Before the cycle starts, and when the cycle is not known, too: the number speaks for itself.
      expect(reasons(facts(measure, value), new Date('2026-06-20T00:00:00Z'))).toEqual([{ code, message }]);
      expect(reasons(facts(measure, value), EARLY, undefined)).toEqual([{ code, message }]);
    });

    it.each([
      [{ kind: 'stay-at-or-above', threshold: 40 }, 40],
      [{ kind: 'stay-at-or-below', threshold: 300 }, 300],
      [{ kind: 'stay-within-range', min: 10, max: 20 }, 10],
      [{ kind: 'stay-within-range', min: 10, max: 20 }, 20],
    ] as [KeyResultMeasure, number][])('%j held at %p is not at risk, and has no pace late in the cycle', (measure, value) => {
      expect(reasons(facts(measure, value, { progress: 1 }), new Date('2026-09-25T00:00:00Z'))).toEqual([]);
    });

    it('a stay-at-or-above climbing from a baseline below its floor is below it, not "behind pace"', () => {
      const kr = facts({ kind: 'stay-at-or-above', threshold: 40, start: 30 }, 38, { progress: 0.8 });
      expect(reasons(kr, new Date('2026-09-25T00:00:00Z')).map((r) => r.code)).toEqual(['below-floor']);
    });

    it('no check-in yet breaches nothing', () => {
      expect(reasons(facts({ kind: 'stay-at-or-above', threshold: 40 }, null))).toEqual([]);
    });
  });

  describe('increase / decrease: pace from when the work began, after the grace', () => {
    const activation = facts({ kind: 'increase', start: 20, target: 40, unit: '%' }, 21, { title: 'Week-1 activation', progress: 0.05 });

    it('is not judged in the first 14 days of the cycle', () => {
      expect(reasons(activation, new Date('2026-07-14T00:00:00Z'))).toEqual([]);
      // On 1 August, 34% of the way is expected and 5% is done.
      expect(reasons(activation, new Date('2026-08-01T00:00:00Z')).map((r) => r.code)).toEqual(['behind-pace']);
    });

    it('measures from when the key result was added, when that is later', () => {
      const added = { ...activation, addedAt: '2026-09-02T09:00:00Z' };
      expect(reasons(added, new Date('2026-09-03T00:00:00Z'))).toEqual([]);
      const [reason] = reasons(added, new Date('2026-09-17T09:00:00Z'));
      // 15 of the 28.6 days from 2 September 09:00 to the end of 30 September: 52% expected, 5% done.
      expect(reason).toEqual({
        code: 'behind-pace',
        message:
          "Progress 5% is 47 points behind the 52% expected by now on a straight line from 2026-09-02 to the cycle's end on 2026-09-30 (allowed margin: 20 points).",
      });
    });

    it('measures from the activation when the objective was activated late', () => {
      const late = kindRiskReasons(activation, '2026-08-15T00:00:00Z', Q3, new Date('2026-08-20T00:00:00Z'), OPTIONS);
      expect(late).toEqual([]);
    });

    it('a decrease on pace is not at risk', () => {
      const tickets = facts({ kind: 'decrease', start: 120, target: 80 }, 100, { progress: 0.5 });
      expect(reasons(tickets, new Date('2026-08-15T00:00:00Z'))).toEqual([]);
    });
  });

  describe('a milestone is at risk when the end approaches and it is not done', () => {
    const launch = facts({ kind: 'milestone' }, false, { title: 'Guided onboarding launched' });

    it('not before the last 14 days, then in words', () => {
      expect(reasons(launch, new Date('2026-09-16T00:00:00Z'))).toEqual([]);
      expect(reasons(launch, new Date('2026-09-17T00:00:00Z'))).toEqual([
        { code: 'milestone-not-done', message: 'Guided onboarding launched is not done, and the cycle ends in 14 days (on 2026-09-30).' },
      ]);
      expect(reasons({ ...launch, value: null }, new Date('2026-10-01T06:00:00Z'))).toEqual([
        { code: 'milestone-not-done', message: 'Guided onboarding launched is not done, and the cycle ended on 2026-09-30.' },
      ]);
    });

    it('done is done', () => {
      expect(reasons({ ...launch, value: true, progress: 1 }, new Date('2026-09-29T00:00:00Z'))).toEqual([]);
    });
  });

  it('writes numbers as people read them', () => {
    expect(valueForPeople(0.8000000000000002, undefined)).toBe('0.8');
    expect(valueForPeople(99.95, '%')).toBe('99.95%');
    expect(valueForPeople(1234.5678, 'ms')).toBe('1234.57 ms');
  });
});
