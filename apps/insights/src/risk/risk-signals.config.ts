export const RISK_SIGNALS_OPTIONS = Symbol('RISK_SIGNALS_OPTIONS');
export const INSIGHTS_CLOCK = Symbol('INSIGHTS_CLOCK');

export { systemClock, type Clock } from '@okr/platform';

export interface RiskSignalsOptions {
  /** Seconds between two sweeps over every active objective; 0: no sweep (not even at start). */
  sweepSeconds: number;
}

export const DEFAULT_RISK_SWEEP_SECONDS = 60;
/** A day: a longer period would leave `behind-pace` and `stale-check-in` unsaid for more than that. */
export const MAX_RISK_SWEEP_SECONDS = 86_400;

/**
 * The risk signals' settings, from the environment (read here, like the at-risk thresholds, and
 * failing at start on a bad value):
 * - `OKR_RISK_SWEEP_SECONDS`: a whole number of seconds from 0 to 86400 (default 60) between two sweeps
 *   over every active objective, the first one at start. `behind-pace` and `stale-check-in` become
 *   true with time alone, with no event to trigger an assessment; 0 disables the sweep.
 */
export function riskSignalsOptionsFrom(env: NodeJS.ProcessEnv): RiskSignalsOptions {
  const key = 'OKR_RISK_SWEEP_SECONDS';
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return { sweepSeconds: DEFAULT_RISK_SWEEP_SECONDS };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_RISK_SWEEP_SECONDS) {
    throw new Error(`${key} must be a whole number of seconds from 0 to ${MAX_RISK_SWEEP_SECONDS}, 0 to disable the sweep (got "${raw}")`);
  }
  return { sweepSeconds: value };
}
