import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document under test

/**
 * GET routes every service has from the platform that answer one resource: the event schema of a type
 * and version, and the AsyncAPI document of the topics.
 */
export const PLATFORM_NOT_LISTS: readonly string[] = ['GET /api/events/schemas/{type}/{version}', 'GET /api/events/asyncapi'];

/**
 * Every GET route of an OpenAPI document under `apiPrefix` (not health or metrics) that is not named in `notLists` (`'GET /api/v1/objectives/{id}'`:
 * one resource, a summary, a report) must follow the list convention: `limit` and `cursor` query
 * parameters and a 200 response schema with a required `items` array (with an item schema) and a
 * required `nextCursor`. Returns one line per violation (empty when the document follows it), so a
 * new GET route is either a documented list or a declared exception, never an unpaged list.
 */
export function listConventionViolations(document: OpenAPIObject, notLists: readonly string[], apiPrefix = '/api/'): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const operation = (item as Json)['get'] as Json | undefined;
    if (!operation || !path.startsWith(apiPrefix)) continue;
    const route = `GET ${path}`;
    seen.add(route);
    if (notLists.includes(route)) continue;
    const parameters = ((operation['parameters'] ?? []) as Json[]).map((p) => resolve(document, p));
    for (const name of ['limit', 'cursor']) {
      if (!parameters.some((p) => p['in'] === 'query' && p['name'] === name)) violations.push(`${route}: no \`${name}\` query parameter`);
    }
    const schema = resolve(document, operation['responses']?.['200']?.content?.['application/json']?.schema ?? {});
    const properties = (schema['properties'] ?? {}) as Json;
    const required = (schema['required'] ?? []) as string[];
    const items = resolve(document, properties['items'] ?? {});
    if (items['type'] !== 'array' || !items['items'] || Object.keys(items['items']).length === 0) {
      violations.push(`${route}: the 200 response declares no \`items\` array with an item schema`);
    }
    if (!properties['nextCursor']) violations.push(`${route}: the 200 response declares no \`nextCursor\``);
    for (const name of ['items', 'nextCursor']) {
      if (!required.includes(name)) violations.push(`${route}: \`${name}\` is not required in the 200 response`);
    }
  }
  for (const route of notLists) if (!seen.has(route)) violations.push(`${route}: declared as not a list, but the document has no such route`);
  return violations;
}

function resolve(document: OpenAPIObject, node: Json): Json {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Json | undefined>((at, key) => at?.[key], document as unknown as Json);
  return target ? resolve(document, target) : {};
}
