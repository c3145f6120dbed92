import { describe, expect, it } from 'vitest';
import { valueAxis } from './KeyResultChart';

describe("a key result chart's value axis", () => {
  it("draws a milestone between its two states, said in words (not -1 to 3 around 'done')", () => {
    const axis = valueAxis({ kind: 'milestone' });
    expect(axis.domain).toEqual([0, 1]);
    expect(axis.ticks?.map(axis.tick)).toEqual(['Not done', 'Done']);
  });

  it('spans the values of a measured key result, its numbers formatted for people', () => {
    const axis = valueAxis({ kind: 'increase', unit: '%' });
    expect(axis.domain).toEqual(['auto', 'auto']);
    expect(axis.ticks).toBeUndefined();
    expect(axis.tick(0.1 + 0.2)).toBe('0.3');
  });
});
