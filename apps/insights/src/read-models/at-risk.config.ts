import { DEFAULT_CONFIDENCE_THRESHOLD, DEFAULT_PACE_MARGIN, type AtRiskOptions } from '../projections';

export const AT_RISK_OPTIONS = Symbol('AT_RISK_OPTIONS');

/**
 * The at-risk thresholds, from the environment (the validated platform configuration keeps only
 * the platform's own keys, so insights reads its two here and fails at start on a bad value):
 * - `OKR_AT_RISK_PACE_MARGIN`: allowed shortfall against the straight line, 0..1 (default 0.2);
 * - `OKR_AT_RISK_CONFIDENCE_THRESHOLD`: confidences strictly below it are low, 0..10 (default 5).
 */
export function atRiskOptionsFrom(env: NodeJS.ProcessEnv): Required<AtRiskOptions> {
  const read = (key: string, fallback: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new Error(`${key} must be a number from 0 to ${max} (got "${raw}")`);
    }
    return value;
  };
  return {
    paceMargin: read('OKR_AT_RISK_PACE_MARGIN', DEFAULT_PACE_MARGIN, 1),
    confidenceThreshold: read('OKR_AT_RISK_CONFIDENCE_THRESHOLD', DEFAULT_CONFIDENCE_THRESHOLD, 10),
  };
}
