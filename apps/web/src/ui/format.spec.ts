import { describe, expect, it } from 'vitest';
import { formatConfidence, formatNumber, formatPercent, formatValue } from './format';

describe('numbers for people', () => {
  it('never shows floating-point noise', () => {
    expect(formatNumber(0.1 + 0.7)).toBe('0.8');
    expect(formatNumber(0.8000000000000002)).toBe('0.8');
    expect(formatPercent(0.8000000000000002)).toMatch(/^80\s?%$/);
  });
  it('shows a dash for what is not known', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatConfidence(undefined)).toBe('—');
  });
  it('puts the unit beside the value', () => {
    expect(formatValue(1200, 'signups')).toBe('1,200 signups');
    expect(formatValue(42, '%')).toBe('42 %');
    expect(formatConfidence(3)).toBe('3 / 10');
  });
});
