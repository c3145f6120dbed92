import { ruleBroken } from '../shared/errors';
import type { KeyResultMeasure, KeyResultTarget } from './key-result';
import { KEY_RESULT_KINDS } from './key-result';

/**
 * The rules a key result's measure and its target revisions obey. Shared by AddKeyResult and
 * ReviseKeyResultTarget so that a revision can never produce a measure that adding would refuse.
 */

/** Longest title of an objective or key result: long enough for a sentence, short enough for a card. */
export const MAX_TITLE_LENGTH = 200;

const NUMBER_FIELDS = ['start', 'target', 'threshold', 'min', 'max'] as const;

const invalid = (field: string, message: string, value?: unknown) =>
  ruleBroken('invalid-key-result-measure', message, { field, value });

const requireFinite = (field: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(field, `${field} must be a finite number.`, value);
  }
  return value;
};

const optionalFinite = (field: string, value: unknown): number | undefined =>
  value === undefined ? undefined : requireFinite(field, value);

/** Present (not undefined) keys of an untrusted object, so `{ target: 5, min: undefined }` is `{ target }`. */
const presentKeys = (value: object): string[] =>
  Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .sort();

/**
 * Checks a measure and returns a clean copy holding only the fields its kind defines, so stray fields
 * from a request never reach the event log. Throws `invalid-key-result-measure` (with `details.field`)
 * or `invalid-range`.
 */
export const validateMeasure = (measure: KeyResultMeasure): KeyResultMeasure => {
  const raw = measure as unknown as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || !KEY_RESULT_KINDS.includes(raw['kind'] as never)) {
    throw invalid('kind', `kind must be one of ${KEY_RESULT_KINDS.join(', ')}.`, raw?.['kind']);
  }
  const unit = typeof raw['unit'] === 'string' && raw['unit'].trim() !== '' ? { unit: raw['unit'].trim() } : {};
  switch (measure.kind) {
    case 'increase':
    case 'decrease': {
      const start = requireFinite('start', measure.start);
      const target = requireFinite('target', measure.target);
      if (measure.kind === 'increase' && !(target > start)) {
        throw invalid('target', 'An increase needs a target above its start.', target);
      }
      if (measure.kind === 'decrease' && !(target < start)) {
        throw invalid('target', 'A decrease needs a target below its start.', target);
      }
      return { kind: measure.kind, start, target, ...unit };
    }
    case 'stay-at-or-above':
    case 'stay-at-or-below': {
      const threshold = requireFinite('threshold', measure.threshold);
      const start = optionalFinite('start', measure.start);
      return { kind: measure.kind, threshold, ...(start === undefined ? {} : { start }), ...unit };
    }
    case 'stay-within-range': {
      const min = requireFinite('min', measure.min);
      const max = requireFinite('max', measure.max);
      const start = optionalFinite('start', measure.start);
      if (!(min < max)) {
        throw ruleBroken('invalid-range', 'A range needs min below max.', { field: 'max', min, max });
      }
      return { kind: measure.kind, min, max, ...(start === undefined ? {} : { start }), ...unit };
    }
    case 'milestone': {
      // A milestone is done or not; a number on it would be read by someone as a target it does not have.
      const stray = NUMBER_FIELDS.find((field) => raw[field] !== undefined);
      if (stray) throw invalid(stray, 'A milestone carries no numbers.', raw[stray]);
      return { kind: 'milestone' };
    }
    default:
      throw invalid('kind', 'Unknown key result kind.');
  }
};

const TARGET_FIELDS: Record<Exclude<KeyResultMeasure['kind'], 'milestone'>, string[]> = {
  increase: ['target'],
  decrease: ['target'],
  'stay-at-or-above': ['threshold'],
  'stay-at-or-below': ['threshold'],
  'stay-within-range': ['max', 'min'],
};

/**
 * Checks that a revised target has exactly the fields of the measure's kind and returns the measure
 * as it would be after the revision (validated like a new one). Throws `milestone-has-no-target`,
 * `target-does-not-fit-kind`, `invalid-key-result-measure` or `invalid-range`.
 */
export const reviseMeasure = (measure: KeyResultMeasure, to: KeyResultTarget): KeyResultMeasure => {
  if (measure.kind === 'milestone') {
    throw ruleBroken('milestone-has-no-target', 'A milestone has no target to revise.');
  }
  const expected = TARGET_FIELDS[measure.kind];
  const given = typeof to === 'object' && to !== null ? presentKeys(to) : [];
  if (given.join() !== expected.join()) {
    throw ruleBroken('target-does-not-fit-kind', targetMismatch(measure.kind, expected, given), {
      kind: measure.kind,
      expected,
      given,
    });
  }
  return validateMeasure({ ...measure, ...to } as KeyResultMeasure);
};

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'An' : 'A');
const READING_ORDER = ['target', 'threshold', 'min', 'max'];
const fieldList = (unordered: readonly string[]): string => {
  const rank = (field: string) => (READING_ORDER.includes(field) ? READING_ORDER.indexOf(field) : READING_ORDER.length);
  const fields = [...unordered].sort((a, b) => rank(a) - rank(b));
  return fields.length <= 1 ? (fields[0] ?? 'nothing') : `${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]}`;
};

/** "An increase key result's target is revised with target, not threshold." */
const targetMismatch = (kind: string, expected: readonly string[], given: readonly string[]): string =>
  `${article(kind)} ${kind} key result's target is revised with ${fieldList(expected)}` +
  `${given.length === 0 ? '' : `, not ${fieldList(given)}`}.`;

/** Folds a target revision into a measure; used by evolve, so it trusts the (already valid) event. */
export const withTarget = (measure: KeyResultMeasure, to: KeyResultTarget): KeyResultMeasure =>
  measure.kind === 'milestone' ? measure : ({ ...measure, ...to } as KeyResultMeasure);

/** True when two targets hold the same numbers, whatever the order of their keys. */
export const sameTarget = (a: KeyResultTarget | undefined, b: KeyResultTarget | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  const keys = presentKeys(a);
  const pa = a as Record<string, unknown>;
  const pb = b as Record<string, unknown>;
  return keys.join() === presentKeys(b).join() && keys.every((k) => pa[k] === pb[k]);
};
