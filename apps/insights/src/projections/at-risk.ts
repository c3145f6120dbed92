import type { ObjectiveSummaryDoc } from './objective-summary';

/**
 * At-risk rules over an objective summary. Pure: the clock comes in as `now`.
 *
 * Rules, per non-dropped key result of an ACTIVE objective (a draft has not started, a closed or
 * archived one is over):
 * - `behind-pace`: the straight line from cycle start (startsOn 00:00Z) to end (the end of endsOn,
 *   i.e. the next day 00:00Z) says how far the key result should be by `now` (0..1); it is behind
 *   when `expected - progress > paceMargin` (strictly: exactly on the margin is not flagged).
 *   Not evaluated before the cycle starts.
 * - `low-confidence`: the latest confidence is strictly below `confidenceThreshold` (default 5:
 *   "under 5 of 10"; 5 itself is "could go either way" and is not flagged). No check-in: not flagged.
 * - `falling-confidence`: the last 3 check-ins (by `effectiveAt`) have strictly decreasing confidence.
 * - `stale-check-in`: the last check-in (`lastCheckInAt`, when it was recorded) is more than
 *   `checkInCadenceDays` before `now`; with no check-in, activation is more than that before `now`.
 *   Exactly one cadence is not stale. Not evaluated after the cycle ended.
 */
export type AtRiskCode = 'behind-pace' | 'low-confidence' | 'falling-confidence' | 'stale-check-in';

export interface AtRiskReason {
  code: AtRiskCode;
  message: string;
}

export interface AtRiskItem {
  objectiveId: string;
  keyResultId: string;
  reasons: AtRiskReason[];
}

export interface AtRiskCycle {
  /** YYYY-MM-DD. */
  startsOn: string;
  /** YYYY-MM-DD, inclusive. */
  endsOn: string;
  checkInCadenceDays: number;
}

/**
 * A cycle the view does not know yet (its `CyclePlanned` not projected): the pace and stale rules
 * cannot be evaluated (they start in year 9999 and have no cadence), the confidence rules still are.
 */
export const UNKNOWN_CYCLE: AtRiskCycle = { startsOn: '9999-12-31', endsOn: '9999-12-31', checkInCadenceDays: 0 };

export interface AtRiskOptions {
  /** Allowed shortfall against the straight line, as a share (0.2 = 20 percentage points). */
  paceMargin?: number;
  /** Confidences strictly below this (0..10) are low. */
  confidenceThreshold?: number;
}

export const DEFAULT_PACE_MARGIN = 0.2;
export const DEFAULT_CONFIDENCE_THRESHOLD = 5;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Floating-point slack so that "exactly on the margin" stays on it (0.5 - 0.3 is not exactly 0.2). */
const EPSILON = 1e-9;

const percent = (share: number): string => `${Math.round(share * 100)}%`;
const points = (share: number): number => Math.round(share * 100);
const days = (ms: number): string => {
  const d = Math.floor(ms / DAY_MS);
  return d === 1 ? '1 day' : `${d} days`;
};

const dateMillis = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** Share of the cycle elapsed at `now`, clamped to 0..1. */
export const expectedPace = (cycle: AtRiskCycle, now: Date): number => {
  const start = dateMillis(cycle.startsOn);
  const end = dateMillis(cycle.endsOn) + DAY_MS;
  if (!(end > start)) return 1;
  return Math.min(1, Math.max(0, (now.getTime() - start) / (end - start)));
};

type KeyResultEntry = ObjectiveSummaryDoc['keyResults'][number];

/** The reasons one key result is at risk (empty when it is not). */
export const keyResultRiskReasons = (
  summary: Pick<ObjectiveSummaryDoc, 'activatedAt'>,
  kr: KeyResultEntry,
  cycle: AtRiskCycle,
  now: Date,
  options: AtRiskOptions = {},
): AtRiskReason[] => {
  const paceMargin = options.paceMargin ?? DEFAULT_PACE_MARGIN;
  const threshold = options.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const reasons: AtRiskReason[] = [];
  const nowMs = now.getTime();
  const start = dateMillis(cycle.startsOn);
  const end = dateMillis(cycle.endsOn) + DAY_MS;

  if (nowMs >= start) {
    const expected = expectedPace(cycle, now);
    const shortfall = expected - kr.progress;
    if (shortfall > paceMargin + EPSILON) {
      reasons.push({
        code: 'behind-pace',
        message:
          `Progress ${percent(kr.progress)} is ${points(shortfall)} points behind the ${percent(expected)} ` +
          `expected at this point of the cycle (allowed margin: ${points(paceMargin)} points).`,
      });
    }
  }

  if (kr.confidence !== null && kr.confidence < threshold) {
    reasons.push({
      code: 'low-confidence',
      message: `Confidence is ${kr.confidence}/10, below the threshold of ${threshold}/10.`,
    });
  }

  const recent = kr.recentConfidences ?? [];
  if (recent.length >= 3) {
    const last3 = recent.slice(-3);
    if (last3[0] > last3[1] && last3[1] > last3[2]) {
      reasons.push({
        code: 'falling-confidence',
        message: `Confidence fell across the last 3 check-ins: ${last3.join(' → ')} (out of 10).`,
      });
    }
  }

  const cadenceMs = cycle.checkInCadenceDays * DAY_MS;
  if (nowMs < end && cycle.checkInCadenceDays > 0) {
    if (kr.lastCheckInAt !== null) {
      const since = nowMs - Date.parse(kr.lastCheckInAt);
      if (since > cadenceMs) {
        reasons.push({
          code: 'stale-check-in',
          message: `No check-in for ${days(since)} (last on ${kr.lastCheckInAt.slice(0, 10)}); the cycle's cadence is every ${cycle.checkInCadenceDays} days.`,
        });
      }
    } else if (summary.activatedAt !== null) {
      const since = nowMs - Date.parse(summary.activatedAt);
      if (since > cadenceMs) {
        reasons.push({
          code: 'stale-check-in',
          message: `No check-in since the objective was activated ${days(since)} ago; the cycle's cadence is every ${cycle.checkInCadenceDays} days.`,
        });
      }
    }
  }
  return reasons;
};

/**
 * The at-risk entries of one objective: one per non-dropped key result with at least one reason,
 * in key-result order. Empty unless the objective is active.
 */
export const atRiskReasons = (
  summary: Pick<ObjectiveSummaryDoc, '_id' | 'status' | 'activatedAt' | 'keyResults'>,
  cycle: AtRiskCycle,
  now: Date,
  options: AtRiskOptions = {},
): AtRiskItem[] => {
  if (summary.status !== 'active') return [];
  return summary.keyResults
    .filter((kr) => !kr.dropped)
    .map((kr) => ({
      objectiveId: summary._id,
      keyResultId: kr.id,
      reasons: keyResultRiskReasons(summary, kr, cycle, now, options),
    }))
    .filter((item) => item.reasons.length > 0);
};
