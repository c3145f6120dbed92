/**
 * Numbers as people read them. Sums and shares of binary floating point carry noise
 * (`0.1 + 0.7 = 0.7999999999999999`); what an API shows a person, or a message tells them, is
 * rounded, never the raw arithmetic.
 */

/** `x` rounded to at most `decimals` places (default 2); -0 and non-finite input give 0. */
export const roundForPeople = (x: number, decimals = 2): number => {
  if (!Number.isFinite(x)) return 0;
  const factor = 10 ** decimals;
  const rounded = Math.round((x + Math.sign(x) * Number.EPSILON) * factor) / factor;
  return rounded === 0 ? 0 : rounded;
};

/** `38`, `99.95`, `0.8`: a number rounded to at most 2 places, without trailing zeros. */
export const numberForPeople = (x: number): string => String(roundForPeople(x));

/** A share 0..1 as a whole percentage: `0.8000000000000002` -> `80%`. */
export const percentForPeople = (share: number): string => `${Math.round(roundForPeople(share, 4) * 100)}%`;
