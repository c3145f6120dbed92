import type { KeyResultMeasure, KeyResultValue } from './key-result';
import { validateMeasure } from './key-result.rules';

/**
 * The measure a key result takes into the next cycle: the same target, starting from where it got
 * (its last known value) when that is a number the kind accepts as a start; otherwise unchanged (an
 * increase already past its target keeps its old start: a start at the target measures nothing).
 */
export const carriedOverMeasure = (measure: KeyResultMeasure, lastValue: KeyResultValue | undefined): KeyResultMeasure => {
  if (measure.kind === 'milestone' || typeof lastValue !== 'number' || !Number.isFinite(lastValue)) return measure;
  try {
    return validateMeasure({ ...measure, start: lastValue });
  } catch {
    return measure;
  }
};

/** A milestone already done has nothing left to carry; every other key result goes on. */
export const isKeyResultToCarry = (measure: KeyResultMeasure, lastValue: KeyResultValue | undefined): boolean =>
  !(measure.kind === 'milestone' && lastValue === true);
