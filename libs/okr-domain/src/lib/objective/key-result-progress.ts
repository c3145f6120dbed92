import { roundForPeople } from '../shared/numbers';
import type { KeyResultMeasure, KeyResultTarget, KeyResultValue } from './key-result';

/**
 * How far a key result is towards done, from its measure and latest value. Pure and total: the
 * answer is always a finite number in 0..1, whatever the input, because dashboards and rules
 * downstream divide, average and compare it.
 */

/**
 * Clamps to 0..1; NaN (a broken input somewhere upstream) counts as no progress. Rounded to 4 places
 * (a hundredth of a percent): progress is read by people, and `0.8000000000000002` is noise.
 */
const clamp01 = (x: number): number => (Number.isNaN(x) ? 0 : roundForPeople(Math.min(1, Math.max(0, x)), PROGRESS_DECIMALS));

/** Progress is kept to a hundredth of a percent. */
export const PROGRESS_DECIMALS = 4;

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Share of the way from `from` to `to` that `value` has covered, in either direction. */
const along = (from: number, to: number, value: number): number => clamp01((value - from) / (to - from));

/**
 * Progress of one key result, always in 0..1.
 *
 * - `increase` / `decrease`: linear from `start` (0) to `target` (1). Beyond the target is 1; on the
 *   wrong side of the start is 0.
 * - `stay-at-or-above`: 1 when `value >= threshold`. Below it: linear from `start` to `threshold` when
 *   a `start` below the threshold is known (credit for climbing towards it), else 0.
 * - `stay-at-or-below`: the mirror image: 1 when `value <= threshold`; above it linear from a `start`
 *   above the threshold, else 0.
 * - `stay-within-range`: 1 inside `[min, max]` (both ends inclusive), 0 outside. There is no partial
 *   credit: a range is a constraint to keep, not a distance to travel, and "a little outside" has no
 *   baseline to be measured against.
 * - `milestone`: 1 when the value is `true`, else 0.
 *
 * No value yet (`undefined`: no check-in), a value of the wrong type (a boolean for a numeric kind),
 * or any non-finite number in the value or the measure gives 0.
 */
export const keyResultProgress = (measure: KeyResultMeasure, value: KeyResultValue | undefined): number => {
  if (measure.kind === 'milestone') return value === true ? 1 : 0;
  if (!isFiniteNumber(value)) return 0;
  switch (measure.kind) {
    case 'increase':
    case 'decrease': {
      const { start, target } = measure;
      if (!isFiniteNumber(start) || !isFiniteNumber(target)) return 0;
      // A zero-length path (rejected by the decider, but old data may have it): reached or not.
      if (start === target) return (measure.kind === 'increase' ? value >= target : value <= target) ? 1 : 0;
      return along(start, target, value);
    }
    case 'stay-at-or-above': {
      const { threshold, start } = measure;
      if (!isFiniteNumber(threshold)) return 0;
      if (value >= threshold) return 1;
      return isFiniteNumber(start) && start < threshold ? along(start, threshold, value) : 0;
    }
    case 'stay-at-or-below': {
      const { threshold, start } = measure;
      if (!isFiniteNumber(threshold)) return 0;
      if (value <= threshold) return 1;
      return isFiniteNumber(start) && start > threshold ? along(start, threshold, value) : 0;
    }
    case 'stay-within-range': {
      const { min, max } = measure;
      if (!isFiniteNumber(min) || !isFiniteNumber(max)) return 0;
      return value >= min && value <= max ? 1 : 0;
    }
    default:
      // Unknown kinds (data from a newer version) show no progress rather than crash a dashboard.
      return 0;
  }
};

/**
 * Progress of an objective: the mean of its key results' progress, 0 when there are none. Each entry
 * is clamped to 0..1 first (NaN as 0), so one bad number cannot push the result out of range.
 */
export const objectiveProgress = (progresses: readonly number[]): number => {
  if (progresses.length === 0) return 0;
  const sum = progresses.reduce((total, p) => total + clamp01(p), 0);
  return clamp01(sum / progresses.length);
};

/**
 * The numbers a target revision would move for this measure (`{target}`, `{threshold}` or
 * `{min, max}`), or `undefined` for a milestone, which has none.
 */
export const targetOf = (measure: KeyResultMeasure): KeyResultTarget | undefined => {
  switch (measure.kind) {
    case 'increase':
    case 'decrease':
      return { target: measure.target };
    case 'stay-at-or-above':
    case 'stay-at-or-below':
      return { threshold: measure.threshold };
    case 'stay-within-range':
      return { min: measure.min, max: measure.max };
    case 'milestone':
      return undefined;
    default:
      return undefined;
  }
};
