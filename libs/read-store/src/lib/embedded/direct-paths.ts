import type { Filter, ReadDocument, Update } from '../read-store.port';
import { valuesAt } from './field-index';

/**
 * The common shapes of the projections' filters and updates, evaluated directly. mingo builds its
 * operator context and compiles the query on every call (`new Query`, the update operator tables
 * copied), hundreds of times the cost of the comparison or assignment itself; a catch-up applies
 * millions of them. Anything outside these shapes returns undefined and goes to mingo, so MongoDB's
 * subtler rules (null and missing, sub-documents, arrays as values, dotted updates) stay mingo's.
 */

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): value is string | boolean | number =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** A top-level field an update may write directly: not `_id`, no path, not operator-looking. */
const isPlainField = (field: string): boolean => field.length > 0 && field !== '_id' && !field.includes('.') && !field.startsWith('$');

export type DocumentTest = (document: ReadDocument) => boolean;

/** A field equal to one of `values` (scalars): as MongoDB, the field's value or an element of its array. */
const equalsOneOf = (field: string, values: readonly (string | boolean | number)[]): DocumentTest => {
  if (values.length === 1) {
    const [value] = values;
    return (document) => valuesAt(document, field).some((held) => held === value);
  }
  const wanted = new Set<unknown>(values);
  return (document) => valuesAt(document, field).some((held) => wanted.has(held));
};

/**
 * A test for a filter made only of equalities (`{field: scalar}`, `$eq`, `$in` of scalars) on
 * fields, `$and` and `$or` of such filters; undefined for any other filter (mingo tests it).
 */
export const compileFilter = (filter: Filter): DocumentTest | undefined => {
  const tests: DocumentTest[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) return undefined;
      const branches: DocumentTest[] = [];
      for (const branch of condition) {
        const test = isPlainObject(branch) ? compileFilter(branch) : undefined;
        if (test === undefined) return undefined;
        branches.push(test);
      }
      tests.push(key === '$and' ? (document) => branches.every((test) => test(document)) : (document) => branches.some((test) => test(document)));
    } else if (key.startsWith('$') || key.length === 0) {
      return undefined;
    } else if (isScalar(condition)) {
      tests.push(equalsOneOf(key, [condition]));
    } else if (isPlainObject(condition)) {
      const operators = Object.keys(condition);
      if (operators.length !== 1) return undefined;
      const [operator] = operators;
      const operand = condition[operator];
      if (operator === '$eq' && isScalar(operand)) tests.push(equalsOneOf(key, [operand]));
      else if (operator === '$in' && Array.isArray(operand) && operand.every(isScalar)) tests.push(equalsOneOf(key, operand));
      else return undefined;
    } else {
      return undefined;
    }
  }
  if (tests.length === 1) return tests[0];
  return (document) => tests.every((test) => test(document));
};

/**
 * `document` with `operators` applied, when they are only `$set`, `$unset`, `$inc` (of a number on
 * a number or a missing field) and `$push` (of one value onto an array or a missing field) of
 * distinct top-level fields: a new top-level object that shares the document's other fields and holds
 * the update's values themselves, so the caller passes values it owns (a copy) to keep the result. Undefined for anything else (mingo applies it, and reports its errors).
 */
export const applyDirectly = (document: ReadDocument, operators: Update): ReadDocument | undefined => {
  const draft: Record<string, unknown> = { ...document };
  const written = new Set<string>();
  for (const [operator, fields] of Object.entries(operators)) {
    if (!isPlainObject(fields)) return undefined;
    for (const [field, value] of Object.entries(fields)) {
      // MongoDB refuses two operators on one path; mingo says so.
      if (!isPlainField(field) || written.has(field)) return undefined;
      written.add(field);
      const held = draft[field];
      switch (operator) {
        case '$set':
          if (value === undefined) delete draft[field];
          else draft[field] = value;
          break;
        case '$unset':
          delete draft[field];
          break;
        case '$inc':
          if (typeof value !== 'number' || !(held === undefined || typeof held === 'number')) return undefined;
          draft[field] = (held ?? 0) + value;
          break;
        case '$push':
          if (value === undefined || (isPlainObject(value) && Object.keys(value).some((key) => key.startsWith('$')))) return undefined;
          if (!(held === undefined || Array.isArray(held))) return undefined;
          draft[field] = [...((held as unknown[] | undefined) ?? []), value];
          break;
        default:
          return undefined;
      }
    }
  }
  return draft as ReadDocument;
};
