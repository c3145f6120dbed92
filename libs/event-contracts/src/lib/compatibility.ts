import type { JsonSchema } from './json-schema';

/** One way in which a changed schema would refuse data the committed one accepted, or drop a field. */
export interface BreakingChange {
  /** Where, as a JSON pointer into the event's data (`/measure/kind`; `` for the data itself). */
  path: string;
  reason: string;
}

/**
 * What makes `next` incompatible with `committed`, the same (type, version) as committed before.
 * Stored events are never rewritten, so every event valid under a committed version must stay valid
 * under it: a removed or retyped property, a new required property, a narrowed enum or a closed
 * object are breaking. Adding an optional property or widening an enum is not. A breaking change
 * comes as a new version of the event type, with an upcaster that lifts the old one.
 */
export function breakingChanges(committed: JsonSchema, next: JsonSchema): BreakingChange[] {
  const changes: BreakingChange[] = [];
  compare({ root: committed, node: committed }, { root: next, node: next }, '', changes);
  return changes;
}

interface At {
  root: JsonSchema;
  node: JsonSchema;
}

function compare(before: At, after: At, path: string, changes: BreakingChange[]): void {
  const old = deref(before);
  const now = deref(after);
  const oldBranches = branches(old);
  const newBranches = branches(now);
  if (oldBranches.length > 1 || newBranches.length > 1) {
    // Every shape the committed schema accepted must still be accepted by one of the new shapes.
    oldBranches.forEach((branch, index) => {
      const attempts = newBranches.map((candidate) => {
        const found: BreakingChange[] = [];
        compare(branch, candidate, path, found);
        return found;
      });
      const best = attempts.sort((a, b) => a.length - b.length)[0] ?? [];
      if (best.length) changes.push(...(oldBranches.length > 1 ? [{ path, reason: `alternative ${index + 1} of the union is no longer accepted` }] : []), ...best);
    });
    return;
  }
  compareTypes(old.node, now.node, path, changes);
  compareValues(old.node, now.node, path, changes);
  compareObjects(old, now, path, changes);
  const oldItems = old.node['items'];
  const newItems = now.node['items'];
  if (isSchema(oldItems) && isSchema(newItems)) compare({ root: old.root, node: oldItems }, { root: now.root, node: newItems }, `${path}/items`, changes);
}

function compareTypes(old: JsonSchema, now: JsonSchema, path: string, changes: BreakingChange[]): void {
  const newTypes = types(now);
  if (!newTypes) return;
  const oldTypes = types(old) ?? ['any'];
  const lost = oldTypes.filter((type) => !newTypes.includes(type) && !(type === 'integer' && newTypes.includes('number')));
  if (lost.length) changes.push({ path, reason: `retyped from ${oldTypes.join(' | ')} to ${newTypes.join(' | ')}` });
}

function compareValues(old: JsonSchema, now: JsonSchema, path: string, changes: BreakingChange[]): void {
  const newValues = values(now);
  if (!newValues) return;
  const oldValues = values(old);
  if (!oldValues) {
    changes.push({ path, reason: `restricted to ${newValues.map((v) => JSON.stringify(v)).join(', ')}` });
    return;
  }
  const lost = oldValues.filter((value) => !newValues.some((v) => JSON.stringify(v) === JSON.stringify(value)));
  if (lost.length) changes.push({ path, reason: `enum narrowed: ${lost.map((v) => JSON.stringify(v)).join(', ')} no longer accepted` });
}

function compareObjects(old: At, now: At, path: string, changes: BreakingChange[]): void {
  const oldProperties = (old.node['properties'] ?? {}) as Record<string, JsonSchema>;
  const newProperties = (now.node['properties'] ?? {}) as Record<string, JsonSchema>;
  const closed = now.node['additionalProperties'] === false;
  for (const [name, schema] of Object.entries(oldProperties)) {
    const next = newProperties[name];
    if (next) compare({ root: old.root, node: schema }, { root: now.root, node: next }, `${path}/${name}`, changes);
    else if (closed) changes.push({ path: `${path}/${name}`, reason: 'property removed' });
  }
  const oldRequired = new Set((old.node['required'] ?? []) as string[]);
  for (const name of (now.node['required'] ?? []) as string[]) {
    if (oldRequired.has(name)) continue;
    changes.push({ path: `${path}/${name}`, reason: name in oldProperties ? 'optional property made required' : 'new required property' });
  }
  if (closed && old.node['additionalProperties'] !== false && (old.node['type'] === 'object' || old.node['properties'])) {
    changes.push({ path, reason: 'object closed to properties it accepted before' });
  }
}

function deref(at: At): At {
  let node = at.node;
  for (let hops = 0; typeof node['$ref'] === 'string' && hops < 20; hops++) {
    const ref = node['$ref'] as string;
    const target = ((at.root['$defs'] ?? {}) as Record<string, JsonSchema>)[decodeURIComponent(ref.replace(/^#\/\$defs\//, ''))];
    if (!target) break;
    const { $ref: _ref, ...siblings } = node;
    node = { ...target, ...siblings };
  }
  return { root: at.root, node };
}

function branches(at: At): At[] {
  const union = (at.node['anyOf'] ?? at.node['oneOf']) as JsonSchema[] | undefined;
  return union ? union.map((node) => deref({ root: at.root, node })) : [at];
}

function types(schema: JsonSchema): string[] | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? (type as string[]) : undefined;
}

function values(schema: JsonSchema): unknown[] | undefined {
  if ('const' in schema) return [schema['const']];
  return Array.isArray(schema['enum']) ? (schema['enum'] as unknown[]) : undefined;
}

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
