import {
  DEFAULT_MILESTONE_WARNING_DAYS,
  DEFAULT_PACE_GRACE_DAYS,
  DEFAULT_PACE_MARGIN,
  isCycleOver,
  kindRiskReasons,
} from '@okr/okr-domain';
import type { ObjectiveSummaryDoc } from './objective-summary';

export { DEFAULT_MILESTONE_WARNING_DAYS, DEFAULT_PACE_GRACE_DAYS, DEFAULT_PACE_MARGIN };

/**
 * At-risk rules over an objective summary. Pure: the clock comes in as `now`.
 *
 * Rules, per non-dropped key result of an ACTIVE objective (a draft has not started, a closed or
 * archived one is over):
 * - by its kind (okr-domain's `kindRiskReasons`): a breached floor, ceiling or range at once
 *   (`below-floor`, `above-ceiling`, `outside-range`); an increase / decrease `behind-pace` on the
 *   straight line from when its work began (cycle start, activation or its addition, the latest) to
 *   the cycle's end, after `paceGraceDays`; a milestone `milestone-not-done` in the last
 *   `milestoneWarningDays` of the cycle. Pace and milestones are not judged before the cycle starts.
 * - `low-confidence`: the latest confidence is strictly below `confidenceThreshold` (default 5:
 *   "under 5 of 10"; 5 itself is "could go either way" and is not flagged). No check-in: not flagged.
 * - `falling-confidence`: the last 3 check-ins (by `effectiveAt`) have strictly decreasing confidence.
 * - `stale-check-in`: the last check-in (`lastCheckInAt`, when it was recorded) is more than
 *   `checkInCadenceDays` before `now`; with no check-in, the later of activation and the key result's
 *   addition is more than that before `now`. Exactly one cadence is not stale. Not evaluated after
 *   the cycle ended.
 */
export type AtRiskCode =
  | 'below-floor'
  | 'above-ceiling'
  | 'outside-range'
  | 'behind-pace'
  | 'milestone-not-done'
  | 'low-confidence'
  | 'falling-confidence'
  | 'stale-check-in';

export interface AtRiskReason {
  code: AtRiskCode;
  message: string;
}

export interface AtRiskItem {
  objectiveId: string;
  /** What a person reads: the objective's and the key result's titles and owners. */
  objectiveTitle: string;
  /** The objective's owner. */
  ownerId: string | null;
  keyResultId: string;
  keyResultTitle: string;
  keyResultOwnerId: string | null;
  reasons: AtRiskReason[];
}

export interface AtRiskCycle {
  /** YYYY-MM-DD. */
  startsOn: string;
  /** YYYY-MM-DD, inclusive. */
  endsOn: string;
  checkInCadenceDays: number;
  /** Set once the cycle was closed. */
  closedAt?: string | null;
}

/**
 * A cycle the view does not know yet (its `CyclePlanned` not projected): the pace, milestone and
 * stale rules cannot be evaluated (they start in year 9999 and have no cadence); a breached
 * threshold and the confidence rules still are.
 */
export const UNKNOWN_CYCLE: AtRiskCycle = { startsOn: '9999-12-31', endsOn: '9999-12-31', checkInCadenceDays: 0 };

export interface AtRiskOptions {
  /** Allowed shortfall against the straight line, as a share (0.2 = 20 percentage points). */
  paceMargin?: number;
  /** Confidences strictly below this (0..10) are low. */
  confidenceThreshold?: number;
  /** Days after a key result's work began during which its pace is not judged. */
  paceGraceDays?: number;
  /** A milestone not done is at risk from this many days before its cycle's end. */
  milestoneWarningDays?: number;
}

export const DEFAULT_CONFIDENCE_THRESHOLD = 5;

const DAY_MS = 24 * 60 * 60 * 1000;

const days = (ms: number): string => {
  const d = Math.floor(ms / DAY_MS);
  return d === 1 ? '1 day' : `${d} days`;
};

const dateMillis = (date: string): number => Date.parse(`${date}T00:00:00Z`);

type KeyResultEntry = ObjectiveSummaryDoc['keyResults'][number];

/** The reasons one key result is at risk (empty when it is not). */
export const keyResultRiskReasons = (
  summary: Pick<ObjectiveSummaryDoc, 'activatedAt'>,
  kr: KeyResultEntry,
  cycle: AtRiskCycle,
  now: Date,
  options: AtRiskOptions = {},
): AtRiskReason[] => {
  const threshold = options.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const nowMs = now.getTime();
  const end = dateMillis(cycle.endsOn) + DAY_MS;
  const reasons = kindRiskReasons(kr, summary.activatedAt, cycle, now, {
    paceMargin: options.paceMargin ?? DEFAULT_PACE_MARGIN,
    paceGraceDays: options.paceGraceDays ?? DEFAULT_PACE_GRACE_DAYS,
    milestoneWarningDays: options.milestoneWarningDays ?? DEFAULT_MILESTONE_WARNING_DAYS,
  }) as AtRiskReason[];

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
      // A key result added after activation has been waiting for its first check-in only since then.
      const addedLater = kr.addedAt != null && Date.parse(kr.addedAt) > Date.parse(summary.activatedAt);
      const since = nowMs - (addedLater ? Date.parse(kr.addedAt as string) : Date.parse(summary.activatedAt));
      if (since > cadenceMs) {
        const what = addedLater ? 'the key result was added' : 'the objective was activated';
        reasons.push({
          code: 'stale-check-in',
          message: `No check-in since ${what} ${days(since)} ago; the cycle's cadence is every ${cycle.checkInCadenceDays} days.`,
        });
      }
    }
  }
  return reasons;
};

/**
 * The at-risk entries of one objective: one per non-dropped key result with at least one reason,
 * in key-result order. Empty unless the objective is active and its cycle is not over (ended or closed).
 */
export const atRiskReasons = (
  summary: Pick<ObjectiveSummaryDoc, '_id' | 'title' | 'ownerId' | 'status' | 'activatedAt' | 'keyResults'>,
  cycle: AtRiskCycle,
  now: Date,
  options: AtRiskOptions = {},
): AtRiskItem[] => {
  if (summary.status !== 'active') return [];
  // Once its cycle is over an objective is "ended, not graded" (or carried over), not behind on anything.
  if (isCycleOver(cycle, now)) return [];
  return summary.keyResults
    .filter((kr) => !kr.dropped)
    .map((kr) => ({
      objectiveId: summary._id,
      objectiveTitle: summary.title,
      ownerId: summary.ownerId,
      keyResultId: kr.id,
      keyResultTitle: kr.title,
      keyResultOwnerId: kr.ownerId ?? null,
      reasons: keyResultRiskReasons(summary, kr, cycle, now, options),
    }))
    .filter((item) => item.reasons.length > 0);
};
