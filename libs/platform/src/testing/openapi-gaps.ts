import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document under test

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/ProblemDetails';

/**
 * What an OpenAPI document leaves a generated client to guess: one sentence per gap, empty when the
 * document describes every answer. Per operation, it finds:
 * - no 2xx response, or no 4xx response (every route can at least be refused);
 * - a 2xx response without a schema (204, and a 202 without a body, need none), or whose schema says
 *   nothing (`{}`, an object without properties, additionalProperties or composition, an array of such);
 * - an error response (4xx, 5xx, `default`) whose body is not `application/problem+json` with the
 *   `ProblemDetails` schema, the one body every error of the platform has.
 */
export function openApiGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Json)[method] as Json | undefined;
      if (!operation) continue;
      const route = `${method.toUpperCase()} ${path}`;
      const responses = Object.entries((operation['responses'] ?? {}) as Json).map(([status, response]) => [status, resolve(document, response)] as const);
      if (!responses.some(([status]) => /^2(\d\d|XX)$/.test(status))) gaps.push(`${route}: no 2xx response documented`);
      if (!responses.some(([status]) => /^4(\d\d|XX)$/.test(status))) gaps.push(`${route}: no 4xx response documented`);
      for (const [status, response] of responses) {
        if (status.startsWith('2')) gaps.push(...successGaps(document, route, status, response));
        else if (status.startsWith('4') || status.startsWith('5') || status === 'default') gaps.push(...errorGaps(document, route, status, response));
      }
    }
  }
  return gaps;
}

function successGaps(document: OpenAPIObject, route: string, status: string, response: Json): string[] {
  const content = Object.entries((response['content'] ?? {}) as Json);
  if (content.length === 0) {
    return status === '204' || status === '202' ? [] : [`${route}: the ${status} response has no schema`];
  }
  return content.flatMap(([mediaType, media]) => {
    const problem = vagueness(document, (media as Json)['schema']);
    return problem ? [`${route}: the ${status} response (${mediaType}) ${problem}`] : [];
  });
}

/** Why a schema tells a client nothing about the body, or undefined when it does. */
function vagueness(document: OpenAPIObject, node: Json | undefined, depth = 0): string | undefined {
  if (!node || Object.keys(node).length === 0) return 'has no schema';
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const target = lookup(document, ref);
    if (!target) return `refers to ${ref}, which the document does not have`;
    const why = depth < 8 ? vagueness(document, target, depth + 1) : undefined;
    return why ? `refers to ${ref}, which ${why}` : undefined;
  }
  if (['allOf', 'oneOf', 'anyOf'].some((key) => Array.isArray(node[key]) && node[key].length > 0)) return undefined;
  if (node['type'] === 'array') {
    const why = vagueness(document, node['items'], depth + 1);
    return why ? `is an array whose items ${why.replace(/^has/, 'have')}` : undefined;
  }
  if (node['type'] === 'object' || node['type'] === undefined) {
    const properties = Object.keys((node['properties'] ?? {}) as Json);
    if (properties.length > 0 || node['additionalProperties'] !== undefined) return undefined;
    return node['type'] === 'object' ? 'has an object schema without properties' : 'has a schema without a type or properties';
  }
  return undefined;
}

function errorGaps(document: OpenAPIObject, route: string, status: string, response: Json): string[] {
  const content = (response['content'] ?? {}) as Json;
  const gaps: string[] = [];
  const problem = content[PROBLEM_MEDIA_TYPE] as Json | undefined;
  if (!problem) gaps.push(`${route}: the ${status} response is not ${PROBLEM_MEDIA_TYPE}`);
  else if (!isProblemSchema(problem['schema'])) gaps.push(`${route}: the ${status} response's schema is not ProblemDetails`);
  for (const other of Object.keys(content).filter((mediaType) => mediaType !== PROBLEM_MEDIA_TYPE)) {
    gaps.push(`${route}: the ${status} response also declares ${other}; errors are only ${PROBLEM_MEDIA_TYPE}`);
  }
  if (problem && !lookup(document, PROBLEM_REF)) gaps.push(`${route}: the ${status} response refers to ProblemDetails, which the document does not have`);
  return gaps;
}

/** `ProblemDetails` itself, or a schema built on it (`allOf: [ProblemDetails, ...]`) for a problem with specific details. */
function isProblemSchema(schema: Json | undefined): boolean {
  if (!schema) return false;
  if (schema['$ref'] === PROBLEM_REF) return true;
  return Array.isArray(schema['allOf']) && (schema['allOf'] as Json[]).some((part) => part['$ref'] === PROBLEM_REF);
}

function resolve(document: OpenAPIObject, node: Json): Json {
  const ref = node?.['$ref'];
  return typeof ref === 'string' ? (lookup(document, ref) ?? {}) : (node ?? {});
}

function lookup(document: OpenAPIObject, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json | undefined>((at, key) => at?.[key], document as unknown as Json);
}
