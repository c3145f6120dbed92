/**
 * Key results and their kinds. A key result's measure is a discriminated union on `kind`, so each
 * kind carries exactly the numbers it needs.
 */
export const KEY_RESULT_KINDS = [
  'increase',
  'decrease',
  'stay-at-or-above',
  'stay-at-or-below',
  'stay-within-range',
  'milestone',
] as const;
export type KeyResultKind = (typeof KEY_RESULT_KINDS)[number];

/** Move a number from `start` up (increase) or down (decrease) to `target`. */
export interface ToTargetMeasure {
  kind: 'increase' | 'decrease';
  start: number;
  target: number;
  unit?: string;
}

/** Keep a number at or above / at or below `threshold`; `start` is the baseline when known. */
export interface ThresholdMeasure {
  kind: 'stay-at-or-above' | 'stay-at-or-below';
  threshold: number;
  start?: number;
  unit?: string;
}

/** Keep a number within [min, max]; `start` is the baseline when known. */
export interface RangeMeasure {
  kind: 'stay-within-range';
  min: number;
  max: number;
  start?: number;
  unit?: string;
}

/** Done or not done. */
export interface MilestoneMeasure {
  kind: 'milestone';
}

export type KeyResultMeasure = ToTargetMeasure | ThresholdMeasure | RangeMeasure | MilestoneMeasure;

/** The numbers a target revision moves: exactly the target fields of the key result's kind. */
export type KeyResultTarget = { target: number } | { threshold: number } | { min: number; max: number };

/** A measured value: a number, or done / not done for milestones. */
export type KeyResultValue = number | boolean;
