import { expectedPaceOf } from '@okr/okr-domain';
import { atRiskReasons, keyResultRiskReasons, type AtRiskCycle, type AtRiskOptions } from './at-risk';
import type { KeyResultSummary, ObjectiveSummaryDoc } from './objective-summary';

// A 10-day cycle: at 2026-10-06T00:00Z exactly half of it has elapsed.
const cycle: AtRiskCycle = { startsOn: '2026-10-01', endsOn: '2026-10-10', checkInCadenceDays: 7 };
const HALF = new Date('2026-10-06T00:00:00Z');

const keyResult = (overrides: Partial<KeyResultSummary> = {}): KeyResultSummary => ({
  id: 'kr1',
  title: 'Activation',
  kind: 'increase',
  measure: { kind: 'increase', start: 0, target: 100 },
  dropped: false,
  value: 50,
  confidence: 7,
  lastCheckInAt: '2026-10-05T12:00:00Z',
  latestEffectiveAt: '2026-10-05',
  progress: 0.5,
  recentConfidences: [7, 7, 7],
  checkIns: [],
  checkInRevision: 2,
  grade: null,
  ...overrides,
});

const summary = (keyResults: KeyResultSummary[], overrides: Partial<ObjectiveSummaryDoc> = {}) => ({
  _id: 'o1',
  title: 'New customers succeed',
  ownerId: 'gina',
  status: 'active' as const,
  activatedAt: '2026-10-01T00:00:00Z',
  keyResults,
  ...overrides,
});

/** Pace judged from the first day (no grace), so that the 10-day cycle can show it. */
const NO_GRACE: AtRiskOptions = { paceGraceDays: 0 };

const codes = (kr: KeyResultSummary, now = HALF, options: AtRiskOptions = {}) =>
  keyResultRiskReasons(summary([kr]), kr, cycle, now, { ...NO_GRACE, ...options }).map((r) => r.code);

describe('atRiskReasons', () => {
  it('a healthy key result has no reasons and gives no item', () => {
    expect(atRiskReasons(summary([keyResult()]), cycle, HALF)).toEqual([]);
  });

  describe('behind-pace', () => {
    it('expected pace is the straight line from start to the end of the last day', () => {
      const kr = keyResult();
      const pace = (at: string) => expectedPaceOf(kr, null, cycle, new Date(at));
      expect(pace('2026-10-01T00:00:00Z')).toBe(0);
      expect(pace('2026-10-06T00:00:00Z')).toBe(0.5);
      expect(pace('2026-10-11T00:00:00Z')).toBe(1);
      expect(pace('2026-09-01T00:00:00Z')).toBe(0);
      expect(pace('2027-01-01T00:00:00Z')).toBe(1);
    });

    it('exactly on the margin is not behind; just beyond it is', () => {
      expect(codes(keyResult({ progress: 0.3 }))).not.toContain('behind-pace');
      expect(codes(keyResult({ progress: 0.29 }))).toContain('behind-pace');
    });

    it('the margin is configurable', () => {
      expect(codes(keyResult({ progress: 0.45 }), HALF, { paceMargin: 0.05 })).not.toContain('behind-pace');
      expect(codes(keyResult({ progress: 0.44 }), HALF, { paceMargin: 0.05 })).toContain('behind-pace');
    });

    it('is not evaluated before the cycle starts', () => {
      expect(codes(keyResult({ progress: 0 }), new Date('2026-09-30T00:00:00Z'))).not.toContain('behind-pace');
    });

    it('explains with numbers', () => {
      const [reason] = keyResultRiskReasons(summary([]), keyResult({ progress: 0.25 }), cycle, HALF, NO_GRACE);
      expect(reason).toEqual({
        code: 'behind-pace',
        message:
          "Progress 25% is 25 points behind the 50% expected by now on a straight line from 2026-10-01 to the cycle's end on 2026-10-10 (allowed margin: 20 points).",
      });
    });
  });

  describe('low-confidence', () => {
    it('under 5 of 10 by default: 4 is low, 5 is not', () => {
      expect(codes(keyResult({ confidence: 4 }))).toContain('low-confidence');
      expect(codes(keyResult({ confidence: 5 }))).not.toContain('low-confidence');
    });

    it('the threshold is configurable', () => {
      expect(codes(keyResult({ confidence: 6 }), HALF, { confidenceThreshold: 7 })).toContain('low-confidence');
      expect(codes(keyResult({ confidence: 4 }), HALF, { confidenceThreshold: 4 })).not.toContain('low-confidence');
    });

    it('no check-in is not low confidence', () => {
      expect(codes(keyResult({ confidence: null }))).not.toContain('low-confidence');
    });

    it('explains with numbers', () => {
      const reasons = keyResultRiskReasons(summary([]), keyResult({ confidence: 3 }), cycle, HALF);
      expect(reasons).toContainEqual({ code: 'low-confidence', message: 'Confidence is 3/10, below the threshold of 5/10.' });
    });
  });

  describe('falling-confidence', () => {
    it('strictly falling across the last 3 check-ins', () => {
      expect(codes(keyResult({ recentConfidences: [8, 7, 6] }))).toContain('falling-confidence');
      expect(codes(keyResult({ recentConfidences: [8, 7, 7] }))).not.toContain('falling-confidence');
      expect(codes(keyResult({ recentConfidences: [6, 7, 5] }))).not.toContain('falling-confidence');
      expect(codes(keyResult({ recentConfidences: [8, 7] }))).not.toContain('falling-confidence');
    });

    it('explains with the confidences', () => {
      const reasons = keyResultRiskReasons(summary([]), keyResult({ recentConfidences: [9, 7, 6], confidence: 6 }), cycle, HALF);
      expect(reasons).toContainEqual({
        code: 'falling-confidence',
        message: 'Confidence fell across the last 3 check-ins: 9 → 7 → 6 (out of 10).',
      });
    });
  });

  describe('stale-check-in', () => {
    const last = '2026-10-01T06:00:00Z';
    it('exactly one cadence after the last check-in is not stale; a moment later is', () => {
      const kr = keyResult({ lastCheckInAt: last });
      expect(codes(kr, new Date('2026-10-08T06:00:00Z'))).not.toContain('stale-check-in');
      expect(codes(kr, new Date('2026-10-08T06:00:00.001Z'))).toContain('stale-check-in');
    });

    it('with no check-in, counts from activation', () => {
      const kr = keyResult({ lastCheckInAt: null, confidence: null, recentConfidences: [] });
      expect(codes(kr, new Date('2026-10-08T00:00:00Z'))).not.toContain('stale-check-in');
      const reasons = keyResultRiskReasons(summary([kr]), kr, cycle, new Date('2026-10-09T00:00:00Z'));
      expect(reasons).toContainEqual({
        code: 'stale-check-in',
        message: "No check-in since the objective was activated 8 days ago; the cycle's cadence is every 7 days.",
      });
    });

    it('explains with the days since the last check-in', () => {
      const kr = keyResult({ lastCheckInAt: last });
      const reasons = keyResultRiskReasons(summary([kr]), kr, cycle, new Date('2026-10-10T07:00:00Z'));
      expect(reasons).toContainEqual({
        code: 'stale-check-in',
        message: "No check-in for 9 days (last on 2026-10-01); the cycle's cadence is every 7 days.",
      });
    });

    it('is not evaluated after the cycle ended', () => {
      expect(codes(keyResult({ lastCheckInAt: last }), new Date('2026-10-11T00:00:00Z'))).not.toContain('stale-check-in');
    });
  });

  it('gives one item per key result at risk, with every reason, skipping dropped ones', () => {
    const risky = keyResult({ id: 'kr2', progress: 0, confidence: 2, recentConfidences: [6, 4, 2] });
    const dropped = keyResult({ id: 'kr3', progress: 0, dropped: true });
    const items = atRiskReasons(summary([keyResult(), risky, dropped]), cycle, HALF, NO_GRACE);
    expect(items).toHaveLength(1);
    // Titles and owners, so that a person reading the list needs no lookup.
    expect(items[0]).toMatchObject({
      objectiveId: 'o1',
      objectiveTitle: 'New customers succeed',
      ownerId: 'gina',
      keyResultId: 'kr2',
      keyResultTitle: 'Activation',
      keyResultOwnerId: null,
    });
    expect(items[0].reasons.map((r) => r.code)).toEqual(['behind-pace', 'low-confidence', 'falling-confidence']);
  });

  it('only active objectives are at risk', () => {
    const risky = keyResult({ progress: 0, confidence: 1 });
    for (const status of ['draft', 'closed', 'archived', 'unknown'] as const) {
      expect(atRiskReasons(summary([risky], { status }), cycle, HALF)).toEqual([]);
    }
  });

  describe('each kind as it means it', () => {
    // A quarter: 1 July to 30 September 2026; the objective active from its first day.
    const quarter: AtRiskCycle = { startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7 };
    const active = summary([], { activatedAt: '2026-07-01T08:00:00Z' });
    const nps = keyResult({
      title: 'NPS',
      kind: 'stay-at-or-above',
      measure: { kind: 'stay-at-or-above', threshold: 40 },
      value: 38,
      progress: 0,
      lastCheckInAt: '2026-07-06T09:00:00Z',
    });

    it('an NPS at 38 with a floor of 40 is at risk at once, early in the cycle, in words (not a pace)', () => {
      const reasons = keyResultRiskReasons(active, nps, quarter, new Date('2026-07-07T09:00:00Z'));
      expect(reasons).toEqual([{ code: 'below-floor', message: 'NPS 38 is below its floor of 40.' }]);
    });

    it('a key result added today, 69% into the cycle, is neither behind pace nor stale', () => {
      const now = new Date('2026-09-03T12:00:00Z');
      const fresh = keyResult({ value: null, progress: 0, confidence: null, lastCheckInAt: null, recentConfidences: [], addedAt: '2026-09-03T09:00:00Z' });
      expect(keyResultRiskReasons(active, fresh, quarter, now)).toEqual([]);
      // Fifteen days later (past the grace) it is judged on the line from the day it was added.
      const later = keyResultRiskReasons(active, { ...fresh, lastCheckInAt: '2026-09-17T09:00:00Z' }, quarter, new Date('2026-09-18T12:00:00Z'));
      expect(later.map((r) => r.code)).toEqual(['behind-pace']);
      expect(later[0].message).toContain('on a straight line from 2026-09-03');
    });

    it('with no check-in, a key result added after activation is stale counting from its addition', () => {
      const added = keyResult({ lastCheckInAt: null, confidence: null, recentConfidences: [], addedAt: '2026-08-01T09:00:00Z', progress: 1 });
      expect(keyResultRiskReasons(active, added, quarter, new Date('2026-08-08T09:00:00Z'))).toEqual([]);
      expect(keyResultRiskReasons(active, added, quarter, new Date('2026-08-10T09:00:00Z'))).toEqual([
        { code: 'stale-check-in', message: "No check-in since the key result was added 9 days ago; the cycle's cadence is every 7 days." },
      ]);
    });

    it('a milestone not done is at risk only as the end approaches (OKR_AT_RISK_MILESTONE_DAYS)', () => {
      const launch = keyResult({ title: 'Guided onboarding launched', kind: 'milestone', measure: { kind: 'milestone' }, value: false, progress: 0, lastCheckInAt: '2026-09-14T09:00:00Z' });
      expect(keyResultRiskReasons(active, launch, quarter, new Date('2026-09-15T09:00:00Z'))).toEqual([]);
      expect(keyResultRiskReasons(active, launch, quarter, new Date('2026-09-20T09:00:00Z'))).toEqual([
        { code: 'milestone-not-done', message: 'Guided onboarding launched is not done, and the cycle ends in 11 days (on 2026-09-30).' },
      ]);
      expect(keyResultRiskReasons(active, { ...launch, value: true }, quarter, new Date('2026-09-20T09:00:00Z'))).toEqual([]);
    });
  });
});
