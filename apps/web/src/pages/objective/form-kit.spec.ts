import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../api/problem';
import { CONFLICT_SENTENCE, formProblem, parseNumber } from './form-kit';

const invalid = (errors: { field: string; message: string }[]) =>
  new ProblemError(400, { title: 'The request is not valid', detail: 'Some fields need a change.', errors });

describe('formProblem', () => {
  it('puts each error beside the field it names (an item of a list beside the list), the others in the sentences', () => {
    const problem = formProblem(
      invalid([
        { field: 'evidence.0.summary', message: 'summary should not be empty' },
        { field: 'evidence.1.link', message: 'link must be a URL' },
        { field: 'teamId', message: 'teamId must be a slug' },
      ]),
      ['evidence', 'tried'],
    );
    expect(problem.fields).toEqual({ evidence: 'summary should not be empty link must be a URL' });
    expect(problem.general).toBe('The request is not valid. Some fields need a change. teamId must be a slug');
    expect(problem.conflict).toBe(false);
  });

  it('reads a 409 as someone else having changed it meanwhile', () => {
    expect(formProblem(new ProblemError(409, { title: 'Conflict', detail: 'Revision 3 expected, 4 found' }), ['title'])).toEqual({
      fields: {},
      general: CONFLICT_SENTENCE,
      conflict: true,
    });
  });

  it('is empty without an error', () => {
    expect(formProblem(null, ['title'])).toEqual({ fields: {}, general: null, conflict: false });
  });
});

describe('parseNumber', () => {
  it('takes a decimal comma or point, and leaves an empty field undefined', () => {
    expect(parseNumber(' 1,5 ')).toBe(1.5);
    expect(parseNumber('20.25')).toBe(20.25);
    expect(parseNumber('  ')).toBeUndefined();
    expect(parseNumber('ten')).toBeNaN();
  });
});
