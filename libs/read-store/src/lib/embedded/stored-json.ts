import type { ReadDocument } from '../read-store.port';

/**
 * The embedded store's documents are plain JSON (what a reopened store reads back), never aliasing a
 * caller's objects, and never mutated once stored (a write replaces the document). A document is
 * copied in when written and out when read, with {@link jsonCopy}: a walk of the value that gives what
 * `JSON.parse(JSON.stringify(value))` gives, several times faster and without the intermediate text.
 * Its JSON text is made once, when a commit writes it to the file.
 */

const isPlain = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
};

/** What JSON makes of a value that is not an object: non-finite numbers become null, -0 becomes 0. */
const jsonScalar = (value: unknown): unknown => {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  if (typeof value === 'bigint') return JSON.stringify(value); // throws, as JSON does
  return value;
};

/** Values JSON leaves out of an object and writes as null in an array. */
const omitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * A deep copy of `value` as JSON would make it: undefined, functions and symbols dropped from objects
 * (null in arrays), non-finite numbers as null; a `Date`, a class instance or anything with `toJSON`
 * goes through JSON itself.
 */
export const jsonCopy = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null) return jsonScalar(value) as T;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      copy[i] = omitted(element) ? null : jsonCopy(element);
    }
    return copy as T;
  }
  if (!isPlain(value)) return JSON.parse(JSON.stringify(value)) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field: unknown = (value as Record<string, unknown>)[key];
    if (!omitted(field)) copy[key] = jsonCopy(field);
  }
  return copy as T;
};

/**
 * Whether two stored documents (plain JSON, as {@link jsonCopy} makes them) are the same JSON: the
 * same values and the same field order, as their texts would be.
 */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== other[i] || !sameJson((a as Record<string, unknown>)[keys[i]], (b as Record<string, unknown>)[keys[i]])) return false;
  }
  return true;
};

/** A stored document made from `value`: a deep JSON copy (undefined fields dropped). */
export const storedDocument = <T extends object>(value: T): T => jsonCopy(value);

/** A stored document read back from its text (the file's row). */
export const documentFromText = (text: string): ReadDocument => JSON.parse(text) as ReadDocument;

/** The JSON text of a stored document, as a commit writes it. */
export const textOf = (document: object): string => JSON.stringify(document);

/** A deep copy of a stored document for a caller, who may change it freely. */
export const copyOf = <T>(document: T): T => jsonCopy(document);

/** Deep copies of stored documents for a caller. */
export const copiesOf = <T>(documents: readonly T[]): T[] => documents.map((document) => copyOf(document));
