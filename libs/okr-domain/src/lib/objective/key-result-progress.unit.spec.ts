import type { KeyResultMeasure, KeyResultValue } from './key-result';
import { keyResultProgress, objectiveProgress, targetOf } from './key-result-progress';

type Case = [string, KeyResultValue | undefined, number];

const cases = (measure: KeyResultMeasure, rows: Case[]) =>
  it.each(rows)('%s (value %p) -> %p', (_, value, expected) => {
    expect(keyResultProgress(measure, value)).toBeCloseTo(expected, 10);
  });

describe('keyResultProgress', () => {
  describe('increase 60 -> 80', () => {
    cases({ kind: 'increase', start: 60, target: 80 }, [
      ['at start', 60, 0],
      ['a quarter of the way', 65, 0.25],
      ['half way', 70, 0.5],
      ['at target', 80, 1],
      ['beyond target', 95, 1],
      ['below start', 50, 0],
      ['no check-in yet', undefined, 0],
      ['NaN', Number.NaN, 0],
      ['Infinity', Number.POSITIVE_INFINITY, 0],
      ['a boolean', true, 0],
    ]);
  });

  describe('increase across zero -10 -> 10', () => {
    cases({ kind: 'increase', start: -10, target: 10 }, [
      ['zero', 0, 0.5],
      ['at start', -10, 0],
    ]);
  });

  describe('decrease 12 -> 4', () => {
    cases({ kind: 'decrease', start: 12, target: 4 }, [
      ['at start', 12, 0],
      ['half way', 8, 0.5],
      ['at target', 4, 1],
      ['beyond target', 1, 1],
      ['above start (worse than the baseline)', 15, 0],
      ['no check-in yet', undefined, 0],
    ]);
  });

  describe('to-target with start == target (old data the decider now refuses)', () => {
    cases({ kind: 'increase', start: 5, target: 5 }, [
      ['at target', 5, 1],
      ['below', 4, 0],
    ]);
    cases({ kind: 'decrease', start: 5, target: 5 }, [
      ['at target', 5, 1],
      ['above', 6, 0],
    ]);
  });

  describe('stay-at-or-above 99.9 from 99.5', () => {
    cases({ kind: 'stay-at-or-above', threshold: 99.9, start: 99.5 }, [
      ['threshold equal', 99.9, 1],
      ['above', 100, 1],
      ['half way from start', 99.7, 0.5],
      ['at start', 99.5, 0],
      ['below start', 98, 0],
      ['no check-in yet', undefined, 0],
    ]);
  });

  describe('stay-at-or-above without a usable start', () => {
    cases({ kind: 'stay-at-or-above', threshold: 10 }, [
      ['below, no start', 9, 0],
      ['threshold equal', 10, 1],
    ]);
    cases({ kind: 'stay-at-or-above', threshold: 10, start: 12 }, [['below, start already above threshold', 9, 0]]);
  });

  describe('stay-at-or-below 300 from 500', () => {
    cases({ kind: 'stay-at-or-below', threshold: 300, start: 500 }, [
      ['threshold equal', 300, 1],
      ['below', 120, 1],
      ['half way from start', 400, 0.5],
      ['at start', 500, 0],
      ['above start', 700, 0],
      ['no check-in yet', undefined, 0],
    ]);
  });

  describe('stay-at-or-below without a usable start', () => {
    cases({ kind: 'stay-at-or-below', threshold: 300 }, [
      ['above, no start', 301, 0],
      ['threshold equal, no start', 300, 1],
    ]);
    cases({ kind: 'stay-at-or-below', threshold: 300, start: 200 }, [['above, start already below threshold', 301, 0]]);
  });

  describe('stay-within-range [20, 40]', () => {
    cases({ kind: 'stay-within-range', min: 20, max: 40, start: 50 }, [
      ['at min (inclusive)', 20, 1],
      ['inside', 30, 1],
      ['at max (inclusive)', 40, 1],
      ['just below min', 19.99, 0],
      ['just above max', 40.01, 0],
      ['at the start outside the range: no partial credit', 50, 0],
      ['no check-in yet', undefined, 0],
      ['NaN', Number.NaN, 0],
    ]);
  });

  describe('stay-within-range of one point (min == max, refused by the decider today)', () => {
    cases({ kind: 'stay-within-range', min: 5, max: 5 }, [
      ['on the point', 5, 1],
      ['off it', 5.1, 0],
    ]);
  });

  describe('milestone', () => {
    cases({ kind: 'milestone' }, [
      ['done', true, 1],
      ['not done', false, 0],
      ['no check-in yet', undefined, 0],
      ['a number is not done', 1, 0],
    ]);
  });

  describe('broken measures never leak NaN', () => {
    it.each<KeyResultMeasure>([
      { kind: 'increase', start: Number.NaN, target: 10 },
      { kind: 'decrease', start: 10, target: Number.NaN },
      { kind: 'increase', start: Number.NEGATIVE_INFINITY, target: 10 },
      { kind: 'stay-at-or-above', threshold: Number.NaN },
      { kind: 'stay-at-or-below', threshold: Number.NaN, start: 1 },
      { kind: 'stay-within-range', min: Number.NaN, max: 10 },
      { kind: 'stay-within-range', min: 0, max: Number.NaN },
      { kind: 'unknown-kind' } as unknown as KeyResultMeasure,
    ])('%j -> 0', (measure) => {
      expect(keyResultProgress(measure, 5)).toBe(0);
    });
  });
});

describe('objectiveProgress', () => {
  it('is 0 without key results', () => {
    expect(objectiveProgress([])).toBe(0);
  });

  it('is the mean of the key results', () => {
    expect(objectiveProgress([0, 0.5, 1])).toBeCloseTo(0.5, 10);
    expect(objectiveProgress([0.25])).toBe(0.25);
  });

  it('clamps bad entries so the result stays in 0..1', () => {
    expect(objectiveProgress([Number.NaN, 1])).toBe(0.5);
    expect(objectiveProgress([2, 1])).toBe(1);
    expect(objectiveProgress([-1, 0.5])).toBe(0.25);
  });
});

describe('targetOf', () => {
  it.each<[KeyResultMeasure, ReturnType<typeof targetOf>]>([
    [{ kind: 'increase', start: 1, target: 2 }, { target: 2 }],
    [{ kind: 'decrease', start: 2, target: 1 }, { target: 1 }],
    [{ kind: 'stay-at-or-above', threshold: 3, start: 1 }, { threshold: 3 }],
    [{ kind: 'stay-at-or-below', threshold: 4 }, { threshold: 4 }],
    [{ kind: 'stay-within-range', min: 1, max: 5, start: 9 }, { min: 1, max: 5 }],
    [{ kind: 'milestone' }, undefined],
  ])('%j -> %j', (measure, expected) => {
    expect(targetOf(measure)).toEqual(expected);
  });

  it('is rounded for people: no binary noise such as 0.7999999999999998 reaches a dashboard', () => {
    expect(keyResultProgress({ kind: 'increase', start: 8, target: 12 }, 11.2)).toBe(0.8);
    expect(objectiveProgress([0.1, 0.7])).toBe(0.4);
    expect(keyResultProgress({ kind: 'increase', start: 0, target: 3 }, 1)).toBe(0.3333);
  });
});
