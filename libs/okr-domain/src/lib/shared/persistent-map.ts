/**
 * An immutable map from string keys that shares structure between versions (a hash trie with path
 * copying): `mapSet` copies the few nodes on one key's path, never the whole map, so folding N events
 * into a map costs O(N log N) small copies where spreading a record costs O(N²). Plain objects only, so
 * a state holding one can be deep-frozen, compared and serialized like any other state.
 */
export interface PersistentMap<V> {
  readonly size: number;
  readonly root?: TrieNode<V>;
}

/** A leaf holds up to {@link LEAF_SIZE} entries (more only at the deepest level); a branch 16 children by hash nibble. */
export type TrieNode<V> = { readonly entries: readonly (readonly [string, V])[] } | { readonly children: readonly (TrieNode<V> | undefined)[] };

const LEAF_SIZE = 8;
const BITS = 4;
const WIDTH = 1 << BITS;
const MAX_DEPTH = 32 / BITS;

/** FNV-1a over the key's UTF-16 code units: stable across processes, so equal maps have equal shapes. */
const hashOf = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
};

const slot = (hash: number, depth: number): number => (hash >>> (depth * BITS)) & (WIDTH - 1);

/** The empty map. */
export const emptyMap = <V>(): PersistentMap<V> => ({ size: 0 });

/** The value at `key`, or undefined. Any string is a key (no prototype lookups). */
export function mapGet<V>(map: PersistentMap<V>, key: string): V | undefined {
  const hash = hashOf(key);
  let node = map.root;
  // `== null`: a map read back from JSON has null where it had undefined children.
  for (let depth = 0; node != null; depth++) {
    if ('entries' in node) return node.entries.find(([k]) => k === key)?.[1];
    node = node.children[slot(hash, depth)];
  }
  return undefined;
}

export const mapHas = <V>(map: PersistentMap<V>, key: string): boolean => mapGet(map, key) !== undefined;

/** A new map with `key` set to `value` (never undefined); `map` is left as it was. */
export function mapSet<V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> {
  const added = { value: false };
  const root = setIn(map.root, key, value, hashOf(key), 0, added);
  return { size: map.size + (added.value ? 1 : 0), root };
}

function setIn<V>(node: TrieNode<V> | undefined, key: string, value: V, hash: number, depth: number, added: { value: boolean }): TrieNode<V> {
  if (node == null) {
    added.value = true;
    return { entries: [[key, value]] };
  }
  if ('children' in node) {
    const children = [...node.children];
    children[slot(hash, depth)] = setIn(node.children[slot(hash, depth)], key, value, hash, depth + 1, added);
    return { children };
  }
  const at = node.entries.findIndex(([k]) => k === key);
  if (at >= 0) return { entries: node.entries.map((entry, i) => (i === at ? [key, value] : entry)) };
  if (node.entries.length < LEAF_SIZE || depth >= MAX_DEPTH) {
    added.value = true;
    return { entries: [...node.entries, [key, value]] };
  }
  // A full leaf becomes a branch of its entries and the new one, one level down.
  let branch: TrieNode<V> = { children: new Array<TrieNode<V> | undefined>(WIDTH).fill(undefined) };
  const ignored = { value: false };
  for (const [k, v] of node.entries) branch = setIn(branch, k, v, hashOf(k), depth, ignored);
  return setIn(branch, key, value, hash, depth, added);
}

/** Every entry, in the trie's order (by hash: stable, but not insertion order). */
export function* mapEntries<V>(map: PersistentMap<V>): Generator<readonly [string, V]> {
  const stack: (TrieNode<V> | undefined)[] = [map.root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node == null) continue;
    if ('entries' in node) yield* node.entries;
    else for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
}

/** A map of the record's own entries. */
export const mapFromRecord = <V>(record: Readonly<Record<string, V>>): PersistentMap<V> =>
  Object.entries(record).reduce<PersistentMap<V>>((map, [k, v]) => mapSet(map, k, v), emptyMap());

/** The map as a plain record with a null prototype (for tests and answers; O(n)). */
export const mapToRecord = <V>(map: PersistentMap<V>): Record<string, V> => {
  const record = Object.create(null) as Record<string, V>;
  for (const [k, v] of mapEntries(map)) record[k] = v;
  return record;
};
