import { carriedOverMeasure, isKeyResultToCarry } from './carry-over';

describe('carriedOverMeasure', () => {
  it('starts an increase or a decrease from its last value, keeping the target', () => {
    expect(carriedOverMeasure({ kind: 'increase', start: 20, target: 40, unit: '%' }, 33)).toEqual({ kind: 'increase', start: 33, target: 40, unit: '%' });
    expect(carriedOverMeasure({ kind: 'decrease', start: 120, target: 80 }, 95)).toEqual({ kind: 'decrease', start: 95, target: 80 });
  });

  it('keeps the old start when the last value is at or past the target, or unknown', () => {
    const increase = { kind: 'increase', start: 20, target: 40 } as const;
    expect(carriedOverMeasure(increase, 40)).toEqual(increase);
    expect(carriedOverMeasure(increase, 45)).toEqual(increase);
    expect(carriedOverMeasure(increase, undefined)).toEqual(increase);
  });

  it('records the last value as the baseline of a threshold or range', () => {
    expect(carriedOverMeasure({ kind: 'stay-at-or-below', threshold: 300, unit: 'ms' }, 238)).toEqual({
      kind: 'stay-at-or-below',
      threshold: 300,
      start: 238,
      unit: 'ms',
    });
    expect(carriedOverMeasure({ kind: 'stay-within-range', min: 0, max: 0.5 }, 0.3)).toEqual({ kind: 'stay-within-range', min: 0, max: 0.5, start: 0.3 });
  });

  it('carries a milestone as it is, unless it is done', () => {
    expect(carriedOverMeasure({ kind: 'milestone' }, false)).toEqual({ kind: 'milestone' });
    expect(isKeyResultToCarry({ kind: 'milestone' }, true)).toBe(false);
    expect(isKeyResultToCarry({ kind: 'milestone' }, false)).toBe(true);
    expect(isKeyResultToCarry({ kind: 'increase', start: 1, target: 2 }, 2)).toBe(true);
  });
});
