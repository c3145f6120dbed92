import {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_MILESTONE_WARNING_DAYS,
  DEFAULT_PACE_GRACE_DAYS,
  DEFAULT_PACE_MARGIN,
  type AtRiskOptions,
} from '../projections';

export const AT_RISK_OPTIONS = Symbol('AT_RISK_OPTIONS');

/** A quarter: a longer grace or warning than a cycle means the rule never speaks. */
const MAX_DAYS = 92;

/**
 * The at-risk thresholds, from the environment (the validated platform configuration keeps only
 * the platform's own keys, so insights reads its own here and fails at start on a bad value):
 * - `OKR_AT_RISK_PACE_MARGIN`: allowed shortfall against the straight line, 0..1 (default 0.2);
 * - `OKR_AT_RISK_CONFIDENCE_THRESHOLD`: confidences strictly below it are low, 0..10 (default 5);
 * - `OKR_AT_RISK_PACE_GRACE_DAYS`: days after a key result's work began (cycle start, activation or
 *   its addition) before its pace is judged, 0..92 (default 14);
 * - `OKR_AT_RISK_MILESTONE_DAYS`: a milestone not done is at risk this many days before its cycle's
 *   end, 0..92 (default 14).
 */
export function atRiskOptionsFrom(env: NodeJS.ProcessEnv): Required<AtRiskOptions> {
  const read = (key: string, fallback: number, max: number, whole = false): number => {
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > max || (whole && !Number.isInteger(value))) {
      throw new Error(`${key} must be a ${whole ? 'whole number' : 'number'} from 0 to ${max} (got "${raw}")`);
    }
    return value;
  };
  return {
    paceMargin: read('OKR_AT_RISK_PACE_MARGIN', DEFAULT_PACE_MARGIN, 1),
    confidenceThreshold: read('OKR_AT_RISK_CONFIDENCE_THRESHOLD', DEFAULT_CONFIDENCE_THRESHOLD, 10),
    paceGraceDays: read('OKR_AT_RISK_PACE_GRACE_DAYS', DEFAULT_PACE_GRACE_DAYS, MAX_DAYS, true),
    milestoneWarningDays: read('OKR_AT_RISK_MILESTONE_DAYS', DEFAULT_MILESTONE_WARNING_DAYS, MAX_DAYS, true),
  };
}
