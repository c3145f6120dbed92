import type { Filter, IndexDefinition } from '../read-store.port';

/**
 * The embedded read store's declared indexes as hash maps, so that a filter with an equality (or
 * `$in`) on an indexed field, `_id` included, reads a handful of candidates instead of copying and
 * scanning the whole collection. The maps only NARROW: mingo still tests every candidate against the
 * whole filter, so an index must return a superset of the matches, never miss one.
 *
 * - One map per prefix of a compound index (`{a, b, c}` answers `{a}`, `{a, b}` and `{a, b, c}`),
 *   key = JSON of the prefix's values -> the `_id`s holding it.
 * - Multikey, as MongoDB: a path through arrays (`keyResults.id`) holds each element's value.
 * - Only scalar query values (string, finite number, boolean) use an index; `null`, sub-documents
 *   and arrays as values fall back to a scan, where MongoDB's matching rules are subtle.
 */
/**
 * Each document's keys per index fields, computed once: stored documents are never mutated, and a
 * document is added to a transaction's overlay, then to the committed index, then removed from it
 * when replaced, each time with the same keys.
 */
const keysByDocument = new WeakMap<object, Map<string, string[][]>>();

type Holders = string | Set<string>;

const hold = (map: Map<string, Holders>, key: string, id: string): void => {
  const held = map.get(key);
  if (held === undefined) map.set(key, id);
  else if (typeof held !== 'string') held.add(id);
  else if (held !== id) map.set(key, new Set([held, id]));
};

const release = (map: Map<string, Holders>, key: string, id: string): void => {
  const held = map.get(key);
  if (held === undefined) return;
  if (typeof held === 'string') {
    if (held === id) map.delete(key);
  } else if (held.delete(id)) {
    if (held.size === 0) map.delete(key);
    else if (held.size === 1) map.set(key, held.values().next().value as string);
  }
};

export class FieldIndex {
  readonly fields: readonly string[];
  /**
   * prefixes[k]: key of fields[0..k] -> the `_id` holding it, or a Set of them when several do. Most
   * keys of a long index are held by one document (a check-in's id, a version's stream and time), and
   * a Set for each cost more heap than the document itself (1 million of them for one quarter of the
   * large organisation's key-result series).
   */
  private readonly prefixes: Map<string, Holders>[];
  /** The fields as one string: the key of this index's entry in {@link keysByDocument}. */
  private readonly signature: string;

  constructor(definition: Pick<IndexDefinition, 'fields'>) {
    this.fields = Object.keys(definition.fields);
    this.prefixes = this.fields.map(() => new Map());
    this.signature = this.fields.join('\u0000');
  }

  add(id: string, document: unknown): void {
    this.keysOf(document).forEach((keys, prefix) => {
      const map = this.prefixes[prefix];
      for (const key of keys) hold(map, key, id);
    });
  }

  remove(id: string, document: unknown): void {
    this.keysOf(document).forEach((keys, prefix) => {
      const map = this.prefixes[prefix];
      for (const key of keys) release(map, key, id);
    });
  }

  /**
   * `id`'s document replaced by another (either may be absent): only the keys that differ move. A
   * projection rewrites a document on every event while its indexed fields rarely change, so most
   * replacements touch no map at all (removing and adding every key again cost a tenth of a catch-up).
   */
  replace(id: string, previous: unknown, next: unknown): void {
    if (previous === undefined || previous === null) {
      if (next !== undefined && next !== null) this.add(id, next);
      return;
    }
    if (next === undefined || next === null) return this.remove(id, previous);
    const before = this.keysOf(previous);
    const after = this.keysOf(next);
    for (let prefix = 0; prefix < after.length; prefix++) {
      const old = before[prefix];
      const now = after[prefix];
      if (old.length === now.length && old.every((key, position) => key === now[position])) continue;
      const map = this.prefixes[prefix];
      for (const key of old) if (!now.includes(key)) release(map, key, id);
      for (const key of now) if (!old.includes(key)) hold(map, key, id);
    }
  }

  /** The `_id`s holding `key` on the first `prefix + 1` fields. */
  private singleValued(document: unknown): unknown[] | undefined {
    return singleValuedFields(document, this.fields);
  }

  get(prefix: number, key: string): Iterable<string> | undefined {
    const held = this.prefixes[prefix]?.get(key);
    return typeof held === 'string' ? [held] : held;
  }

  /** How many `_id`s hold `key` on the first `prefix + 1` fields. */
  count(prefix: number, key: string): number {
    const held = this.prefixes[prefix]?.get(key);
    return held === undefined ? 0 : typeof held === 'string' ? 1 : held.size;
  }

  /** Per prefix, the keys a document holds (the product of each field's values). */
  private keysOf(document: unknown): string[][] {
    if (typeof document !== 'object' || document === null) return this.computeKeys(document);
    let byIndex = keysByDocument.get(document);
    if (byIndex === undefined) keysByDocument.set(document, (byIndex = new Map()));
    let keys = byIndex.get(this.signature);
    if (keys === undefined) byIndex.set(this.signature, (keys = this.computeKeys(document)));
    return keys;
  }

  private computeKeys(document: unknown): string[][] {
    const single = this.singleValued(document);
    if (single !== undefined) {
      // One value per field (no arrays): each prefix holds one key.
      return single.map((_, prefix) => [JSON.stringify(single.slice(0, prefix + 1))]);
    }
    const result: string[][] = [];
    let combos: unknown[][] = [[]];
    for (const field of this.fields) {
      const values = valuesAt(document, field);
      const present = values.length > 0 ? values : [null];
      combos = combos.flatMap((combo) => present.map((value) => [...combo, value]));
      result.push([...new Set(combos.map((combo) => JSON.stringify(combo)))]);
    }
    return result;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each field's one value (null when missing) when every field is top-level and holds no array; else undefined. */
const singleValuedFields = (document: unknown, fields: readonly string[]): unknown[] | undefined => {
  if (!isPlainObject(document)) return undefined;
  const values: unknown[] = [];
  for (const field of fields) {
    if (field.includes('.')) return undefined;
    const value = document[field];
    if (Array.isArray(value)) return undefined;
    values.push(value === undefined ? null : value);
  }
  return values;
};

/** Every value at `path`, descending into arrays (and expanding an array at the end), as MongoDB does. */
export const valuesAt = (document: unknown, path: string): unknown[] => {
  if (isPlainObject(document) && !path.includes('.')) {
    // A top-level field of a document (most indexes' and filters'): no walk.
    if (!(path in document)) return [];
    const value = document[path];
    return Array.isArray(value) ? [...value, value] : [value];
  }
  let current: unknown[] = [document];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        const index = /^\d+$/.test(part) ? Number(part) : undefined;
        if (index !== undefined && index < value.length) next.push(value[index]);
        for (const element of value) if (isPlainObject(element) && part in element) next.push(element[part]);
      } else if (isPlainObject(value) && part in value) {
        next.push(value[part]);
      }
    }
    current = next;
  }
  return current.flatMap((value) => (Array.isArray(value) ? [...value, value] : [value]));
};

const isKeyable = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** Field -> the values it must equal one of, read from equalities, `$eq` and `$in` (top level and `$and`). */
const equalities = (filter: Filter, into = new Map<string, unknown[]>()): Map<string, unknown[]> => {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) equalities(clause, into);
      continue;
    }
    if (field.startsWith('$') || into.has(field)) continue;
    if (isKeyable(condition)) into.set(field, [condition]);
    else if (isPlainObject(condition)) {
      const $in = condition['$in'];
      if ('$eq' in condition && isKeyable(condition['$eq'])) into.set(field, [condition['$eq']]);
      else if (Array.isArray($in) && $in.every(isKeyable)) into.set(field, [...$in]);
    }
  }
  return into;
};

/** How to find a filter's candidates: by `_id`, through one index prefix, or the union of `$or` branches. */
export type IndexPlan =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'index'; readonly index: number; readonly prefix: number; readonly keys: readonly string[] }
  | { readonly kind: 'union'; readonly plans: readonly IndexPlan[] };

/** More key combinations than this and a scan is as cheap. */
const MAX_KEYS = 1_000;

/** An estimate of a plan's candidates, from the committed indexes. */
const estimate = (plan: IndexPlan, indexes: readonly FieldIndex[]): number => {
  if (plan.kind === 'ids') return plan.ids.length;
  if (plan.kind === 'union') return plan.plans.reduce((sum, branch) => sum + estimate(branch, indexes), 0);
  return plan.keys.reduce((sum, key) => sum + indexes[plan.index].count(plan.prefix, key), 0);
};

/** The cheapest plan for `filter` over `indexes`, or undefined when only a scan can answer it. */
export const planFilter = (filter: Filter, indexes: readonly FieldIndex[]): IndexPlan | undefined => {
  const plans: IndexPlan[] = [];
  const equal = equalities(filter);
  const ids = equal.get('_id');
  if (ids?.every((id) => typeof id === 'string')) return { kind: 'ids', ids: ids as string[] };
  indexes.forEach((index, position) => {
    let combos: unknown[][] = [[]];
    let prefix = -1;
    for (const field of index.fields) {
      const values = equal.get(field);
      if (!values || combos.length * values.length > MAX_KEYS) break;
      combos = combos.flatMap((combo) => values.map((value) => [...combo, value]));
      prefix += 1;
    }
    if (prefix >= 0) plans.push({ kind: 'index', index: position, prefix, keys: combos.map((combo) => JSON.stringify(combo)) });
  });
  const $or = filter['$or'];
  if (Array.isArray($or) && $or.length > 0) {
    const branches = $or.map((branch) => (isPlainObject(branch) ? planFilter(branch, indexes) : undefined));
    if (branches.every((branch) => branch !== undefined)) plans.push({ kind: 'union', plans: branches as IndexPlan[] });
  }
  if (plans.length === 0) return undefined;
  return plans.reduce((best, plan) => (estimate(plan, indexes) < estimate(best, indexes) ? plan : best));
};

/** The candidate `_id`s of a plan; `lookup` answers one index prefix (committed state and a transaction's own). */
export const candidates = (
  plan: IndexPlan,
  lookup: (index: number, prefix: number, key: string) => Iterable<string>,
  into = new Set<string>(),
): Set<string> => {
  if (plan.kind === 'ids') for (const id of plan.ids) into.add(id);
  else if (plan.kind === 'union') for (const branch of plan.plans) candidates(branch, lookup, into);
  else for (const key of plan.keys) for (const id of lookup(plan.index, plan.prefix, key)) into.add(id);
  return into;
};
