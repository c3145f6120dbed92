import { ruleBroken } from './errors';

/** Trimmed text, or '' for anything that is not a string (untrusted input reaching the domain). */
export const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** Trimmed text; a `rule-broken` error with `code` naming `field` when it is blank or not text. */
export const requiredText = (value: unknown, code: string, field: string): string => {
  const trimmed = text(value);
  if (trimmed === '') throw ruleBroken(code, `${field} is required.`, { field });
  return trimmed;
};
