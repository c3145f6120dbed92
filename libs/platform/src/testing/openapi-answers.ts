import type { OpenAPIObject } from '@nestjs/swagger';
import Ajv from 'ajv';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document under test

/**
 * Why a real answer does not match what the document promises for it, one sentence per mismatch;
 * empty when it does. The route is found from the concrete `url` (its query string ignored), the
 * schema from the answer's `status`. Objects are read strictly: a property the schema does not
 * name is a mismatch too, so an answer cannot carry a field (a secret, say) the document hides.
 *
 * Validation is JSON Schema through ajv, with OpenAPI 3.0's `nullable`; `discriminator` and
 * `example` are annotations it ignores.
 */
export function answerViolations(document: OpenAPIObject, method: string, url: string, status: number, body: unknown): string[] {
  const route = `${method.toUpperCase()} ${url}`;
  const template = documentedPath(document, url);
  if (!template) return [`${route}: the document has no such path`];
  const operation = (document.paths[template] as Json)[method.toLowerCase()] as Json | undefined;
  if (!operation) return [`${route}: the document has no ${method.toUpperCase()} ${template}`];
  const response = (operation['responses'] as Json)[String(status)] as Json | undefined;
  if (!response) return [`${route}: answered ${status}, which ${method.toUpperCase()} ${template} does not document`];
  const content = (response['content'] ?? {}) as Json;
  // application/json, or a JSON media type of its own (problem+json, schema+json).
  const json = content['application/json'] ?? Object.entries(content).find(([type]) => /^application\/[\w.-]+\+json$/.test(type))?.[1];
  const schema = json?.['schema'] as Json | undefined;
  if (!schema) return body === undefined || body === '' || body === null ? [] : [`${route}: answered a ${status} body the document gives no schema`];
  // ajv 8 knows OpenAPI's `nullable`; annotations (`example`, `discriminator`) and formats are not checked.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile({ ...strict(schema), components: { schemas: strictSchemas(document.components?.schemas ?? {}) } });
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${route} ${status}: body${readablePath(error.instancePath)} ${error.message}${extra}`;
  });
}

/** `/items/0/status` as `.items[0].status`. */
const readablePath = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment.replaceAll('~1', '/').replaceAll('~0', '~')}`))
    .join('');

/** The document's path template that `url` is an instance of (`/things/{id}` for `/things/42`). */
function documentedPath(document: OpenAPIObject, url: string): string | undefined {
  const path = url.split('?')[0] ?? url;
  return Object.keys(document.paths).find((template) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
}

const COMPOSITIONS = ['allOf', 'oneOf', 'anyOf'] as const;

/** A copy of a schema where every object that names its properties allows no others (unless it says otherwise). */
function strict(schema: Json): Json {
  // ajv's `nullable` only adds null to `type`: a nullable `$ref`, `allOf` or `oneOf` (a nullable nested DTO, a union) would still refuse null.
  if (schema['nullable'] === true && (schema['type'] === undefined || schema['$ref'] !== undefined || COMPOSITIONS.some((key) => key in schema))) {
    const { nullable: _nullable, ...rest } = schema;
    return { anyOf: [{ type: 'null' }, strict(rest)] };
  }
  const copy: Json = { ...schema };
  if (schema['properties']) {
    copy['properties'] = Object.fromEntries(Object.entries(schema['properties'] as Json).map(([name, property]) => [name, strict(property as Json)]));
    copy['additionalProperties'] ??= false;
  }
  if (typeof schema['additionalProperties'] === 'object') copy['additionalProperties'] = strict(schema['additionalProperties'] as Json);
  if (schema['items']) copy['items'] = strict(schema['items'] as Json);
  for (const key of COMPOSITIONS) {
    if (Array.isArray(schema[key])) copy[key] = (schema[key] as Json[]).map(strict);
  }
  return copy;
}

const strictSchemas = (schemas: Json): Json => Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, strict(schema as Json)]));
