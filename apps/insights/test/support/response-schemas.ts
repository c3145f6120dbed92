import Ajv from 'ajv';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document under test

const DOCUMENT_ID = 'openapi';

/**
 * Checks real answers against the response schemas an OpenAPI 3.0 document declares, so that a
 * documented schema cannot say something the route does not answer. Stricter than the document on
 * purpose: an object schema with `properties` accepts no other property here, so an undocumented
 * field fails as surely as a missing required one or a wrong type.
 */
export class ResponseSchemas {
  private readonly ajv = new Ajv({ allErrors: true, format: 'full' });

  constructor(private readonly document: Json) {
    this.ajv.addSchema({ components: strictSchema(document['components'] ?? {}) }, DOCUMENT_ID);
  }

  /** The schema errors of `body` as the `status` answer of `method path` (a path as documented, e.g. `/api/v1/teams/{teamId}/dashboard`). */
  errors(method: string, path: string, status: number, body: unknown): string[] {
    const operation = this.document['paths']?.[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in the document`];
    const schema = operation['responses']?.[String(status)]?.['content']?.['application/json']?.['schema'];
    if (!schema) return [`${method} ${path} documents no application/json ${status} answer`];
    const validate = this.ajv.compile(strictSchema(schema));
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.dataPath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

/** OpenAPI 3.0 to JSON Schema draft-07 for ajv: `nullable` becomes a `null` alternative; objects are closed; refs point into the added document. */
function strictSchema(node: unknown): Json {
  if (Array.isArray(node)) return node.map(strictSchema) as unknown as Json;
  if (node === null || typeof node !== 'object') return node as Json;
  const { nullable, example: _example, discriminator: _discriminator, ...rest } = node as Json;
  const converted: Json = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$ref' && typeof value === 'string') converted[key] = `${DOCUMENT_ID}${value}`;
    else if (key === 'properties' || key === 'schemas') converted[key] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, strictSchema(v)]));
    else converted[key] = strictSchema(value);
  }
  if (converted['properties'] !== undefined && converted['additionalProperties'] === undefined) converted['additionalProperties'] = false;
  return nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}
