import { describe, expect, it } from 'vitest';
import { errorSentence, ProblemError, problemSentence } from './problem';

describe('problems as sentences', () => {
  it('joins title and detail as sentences', () => {
    expect(problemSentence({ title: 'Validation failed', detail: 'confidence must be between 0 and 10' })).toBe(
      'Validation failed. confidence must be between 0 and 10.',
    );
  });
  it('says something even for an empty problem', () => {
    expect(problemSentence({}, 502)).toBe('The request failed (HTTP 502).');
  });
  it('keeps field errors by field', () => {
    const error = new ProblemError(400, { title: 'Validation failed', errors: [{ field: 'user', message: 'user must not be empty' }] });
    expect(error.fieldErrors()).toEqual({ user: 'user must not be empty' });
    expect(errorSentence(error)).toBe('Validation failed.');
  });
  it('says a network failure in words', () => {
    expect(errorSentence(new TypeError('Failed to fetch'))).toMatch(/could not be reached/);
  });
});
