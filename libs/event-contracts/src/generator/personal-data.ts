import type { JsonSchema } from '../lib/json-schema';

/** Per event type, the dotted paths in its data that hold personal data (`ownerId`, `from.title`). */
export type PersonalDataFields = Readonly<Record<string, readonly string[]>>;

/** The keyword a schema marks a property holding personal data with. */
export const PERSONAL_DATA_KEYWORD = 'x-personal-data';

/**
 * Marks each path's property with `x-personal-data: true`, through `$ref`s, unions and arrays. The
 * domain's catalogue describes the version written today: for it (`strict`) a path the schema does not
 * have is an error, so the catalogue and the types cannot drift apart; an older version gets the
 * marks of the paths it has.
 */
export function markPersonalData(root: JsonSchema, paths: readonly string[], strict = true): void {
  for (const path of paths) {
    if (!mark(root, root, path.split('.')) && strict) throw new Error(`${String(root['$id'])}: no property at ${path} to mark as personal data`);
  }
}

function mark(root: JsonSchema, node: JsonSchema, [head, ...rest]: string[]): boolean {
  if (head === undefined) return false;
  const target = deref(root, node);
  let found = false;
  for (const branch of [...((target['anyOf'] as JsonSchema[]) ?? []), ...((target['oneOf'] as JsonSchema[]) ?? [])]) {
    found = mark(root, branch, [head, ...rest]) || found;
  }
  const items = target['items'] as JsonSchema | undefined;
  if (items && typeof items === 'object') found = mark(root, items, [head, ...rest]) || found;
  const property = (target['properties'] as Record<string, JsonSchema> | undefined)?.[head];
  if (!property) return found;
  if (rest.length === 0) {
    property[PERSONAL_DATA_KEYWORD] = true;
    return true;
  }
  return mark(root, property, rest) || found;
}

function deref(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return node;
  const defs = (root['$defs'] ?? {}) as Record<string, JsonSchema>;
  const target = defs[decodeURIComponent(ref.slice('#/$defs/'.length))];
  return target ? deref(root, target) : node;
}
