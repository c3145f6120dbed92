import { describe, expect, it } from 'vitest';
import { errorSentence, ProblemError, problemSentence } from './problem';

describe('problems as sentences', () => {
  it('joins title and detail as sentences', () => {
    expect(problemSentence({ title: 'Validation failed', detail: 'confidence must be between 0 and 10' })).toBe(
      'Validation failed. confidence must be between 0 and 10.',
    );
  });
  it('never shows a person an id a service left in its sentence', () => {
    const sentence = problemSentence({
      title: 'Rule broken',
      detail: 'Key result 0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a8b was dropped',
    });
    expect(sentence).toBe('Rule broken. Key result this item was dropped.');
    expect(new ProblemError(409, { detail: 'Objective 0193A6F2-7C1E-7B3A-9F00-2C4D5E6F7A8B is archived' }).message).toBe(
      'Objective this item is archived.',
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
