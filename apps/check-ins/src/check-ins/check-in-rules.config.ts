import { DEFAULT_CHECK_IN_GRACE_DAYS } from '@okr/okr-domain';

export const CHECK_IN_RULES = Symbol('CHECK_IN_RULES');

export interface CheckInRulesOptions {
  /** Days after its cycle's last day that a key result still takes check-ins. */
  graceDays: number;
}

/** More than a quarter after its end, a cycle's numbers are history, not a late check-in. */
export const MAX_CHECK_IN_GRACE_DAYS = 92;

/**
 * The check-in rules' settings, from the environment (read here and failing at start on a bad value,
 * as insights does for its thresholds):
 * - `OKR_CHECK_IN_GRACE_DAYS`: a whole number of days from 0 to 92 (default 7) after a cycle's last
 *   day during which its key results still take check-ins dated up to then.
 */
export function checkInRulesFrom(env: NodeJS.ProcessEnv): CheckInRulesOptions {
  const key = 'OKR_CHECK_IN_GRACE_DAYS';
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return { graceDays: DEFAULT_CHECK_IN_GRACE_DAYS };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_CHECK_IN_GRACE_DAYS) {
    throw new Error(`${key} must be a whole number of days from 0 to ${MAX_CHECK_IN_GRACE_DAYS} (got "${raw}")`);
  }
  return { graceDays: value };
}
