import type { JsonSchema } from '../lib/json-schema';

/** Steps lifting one version's data to the next, as the domain's upcaster registry declares them. */
export type UpcastSteps = readonly ((data: never) => unknown)[];

const PROBE = 'probe:';

/**
 * The personal-data paths of an older version of an event type, found through its upcasters: a probe
 * of the older shape (each string property holding its own path) is lifted to the version written
 * today, and a personal path of today's version that holds a probe names the older field it came from.
 * So renaming `from` to `fromOwnerId` keeps `from` marked in v1 without a second catalogue.
 */
export function olderPersonalDataPaths(older: JsonSchema, version: number, steps: UpcastSteps, latestPaths: readonly string[]): string[] {
  let data: unknown = probe(older, older, '');
  for (const step of steps.slice(version - 1)) data = step(data as never);
  const found = new Set<string>();
  for (const path of latestPaths) for (const value of valuesAt(data, path.split('.'))) if (value.startsWith(PROBE)) found.add(value.slice(PROBE.length));
  return [...found];
}

function probe(root: JsonSchema, node: JsonSchema, path: string, depth = 0): unknown {
  if (depth > 10) return undefined;
  const ref = node['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const target = ((root['$defs'] ?? {}) as Record<string, JsonSchema>)[decodeURIComponent(ref.slice('#/$defs/'.length))];
    return target ? probe(root, target, path, depth + 1) : undefined;
  }
  const branch = ((node['anyOf'] ?? node['oneOf']) as JsonSchema[] | undefined)?.[0];
  if (branch) return probe(root, branch, path, depth + 1);
  const types = ([] as unknown[]).concat(node['type']);
  if (types.includes('string')) return `${PROBE}${path}`;
  if (types.includes('array') && node['items']) return [probe(root, node['items'] as JsonSchema, path, depth + 1)];
  const properties = node['properties'] as Record<string, JsonSchema> | undefined;
  if (!properties) return undefined;
  return Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, probe(root, schema, path ? `${path}.${name}` : name, depth + 1)]));
}

function valuesAt(at: unknown, [head, ...rest]: string[]): string[] {
  if (head === undefined) return typeof at === 'string' ? [at] : Array.isArray(at) ? at.flatMap((item) => valuesAt(item, [])) : [];
  if (Array.isArray(at)) return at.flatMap((item) => valuesAt(item, [head, ...rest]));
  if (!at || typeof at !== 'object') return [];
  return valuesAt((at as Record<string, unknown>)[head], rest);
}
