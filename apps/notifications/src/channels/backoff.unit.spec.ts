import { retryDelayMs } from './backoff';

const lowest = () => 0;
const highest = () => 1;

describe('retryDelayMs', () => {
  it('doubles from initialMs with each attempt (defaults: 1 s, capped at 5 min)', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, {}, highest))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, {}, lowest))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('is capped at maxMs, however many attempts', () => {
    expect(retryDelayMs(9, {}, highest)).toBe(256_000);
    expect(retryDelayMs(10, {}, highest)).toBe(300_000);
    expect(retryDelayMs(10, {}, lowest)).toBe(150_000);
    expect(retryDelayMs(5000, {}, highest)).toBe(300_000);
    expect(retryDelayMs(6, { initialMs: 100, maxMs: 1000 }, highest)).toBe(1000);
    expect(retryDelayMs(6, { initialMs: 100, maxMs: 1000 }, lowest)).toBe(500);
  });

  it('keeps the jitter between half the step and the whole step', () => {
    for (const r of [0, 0.1, 0.25, 0.5, 0.75, 0.999999]) {
      for (const attempt of [1, 3, 7, 12]) {
        const ceiling = Math.min(300_000, 1000 * 2 ** (attempt - 1));
        const delay = retryDelayMs(attempt, {}, () => r);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(retryDelayMs(3, {}, () => 0.5)).toBe(3000);
  });

  it('uses Math.random by default and stays in bounds', () => {
    for (let i = 0; i < 100; i += 1) {
      const delay = retryDelayMs(4);
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });

  it('treats a nonsensical attempt number as the first attempt, and a random source out of [0, 1] as its bound', () => {
    expect(retryDelayMs(0, {}, highest)).toBe(1000);
    expect(retryDelayMs(-3, {}, highest)).toBe(1000);
    expect(retryDelayMs(Number.NaN, {}, highest)).toBe(1000);
    expect(retryDelayMs(2, {}, () => 7)).toBe(2000);
    expect(retryDelayMs(2, {}, () => -1)).toBe(1000);
  });
});
