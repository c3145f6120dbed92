import { ApiExtension, type OpenAPIObject, type OperationObject, type ResponseObject } from '@nestjs/swagger';

/** Media type of error bodies in the document (the filter adds `; charset=utf-8`). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemDetails';
const OMIT_EXTENSION = 'x-okr-omit-problems';
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Leaves statuses out of the error responses {@link documentProblemResponses} derives for a route,
 * when the route cannot answer them (e.g. `OmitProblemResponses(422)` on a write no domain rule refuses).
 */
export const OmitProblemResponses = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  ApiExtension(OMIT_EXTENSION, statuses);

/** What the document knows of a route beyond its operation: whether a token is needed. */
export type IsAuthenticated = (method: string, path: string) => boolean;

/**
 * Documents every operation's error responses, in one place, from what the platform answers (see
 * `ProblemDetailsFilter`, the guards, the idempotency interceptor, the rate limits), as
 * `application/problem+json` bodies of the `ProblemDetails` schema:
 * - 400 when the operation reads a body, a query, path parameters or a header (validation);
 * - 401 and 403 when it needs a token (public operations get `security: []`);
 * - 404 when its path names a resource; 409 on writes (stale `If-Match`, `Idempotency-Key` reuse,
 *   a concurrent write that kept winning); 413 and 415 when it reads a body; 422 on writes (a domain
 *   rule refused the command); 429 everywhere (the per-address and per-principal rate limits); 500.
 * A response a route declares itself keeps its description (its body becomes a problem if it had
 * none); `OmitProblemResponses` removes statuses a route cannot answer.
 */
export function documentProblemResponses(document: OpenAPIObject, isAuthenticated: IsAuthenticated): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      if (!operation) continue;
      const authenticated = isAuthenticated(method, path);
      if (!authenticated) operation.security = [];
      const extensions = operation as unknown as Record<string, unknown>;
      const omitted = new Set<number>(extensions[OMIT_EXTENSION] as number[] | undefined);
      delete extensions[OMIT_EXTENSION];
      const problems = problemsOf(method, path, operation, authenticated);
      for (const [status, description] of Object.entries(problems)) {
        if (omitted.has(Number(status))) continue;
        operation.responses[status] = asProblem(operation.responses[status] as ResponseObject | undefined, description);
      }
    }
  }
}

function problemsOf(method: string, path: string, operation: OperationObject, authenticated: boolean): Record<string, string> {
  const parameters = (operation.parameters ?? []) as { in?: string; name?: string }[];
  const write = WRITE_METHODS.has(method);
  const body = operation.requestBody !== undefined;
  const ifMatch = parameters.some((p) => p.in === 'header' && p.name?.toLowerCase() === 'if-match');
  const inputs = [
    ...(body ? ['the body'] : []),
    ...(['query', 'path', 'header'] as const).filter((place) => parameters.some((p) => p.in === place)).map((place) => `a ${place} parameter`),
  ];
  const problems: Record<string, string> = {};
  if (inputs.length > 0) problems['400'] = `Invalid input (\`validation-failed\`): ${inputs.join(', ')}; \`errors\` names each field and why`;
  if (authenticated) {
    problems['401'] = 'No bearer token, or one that is invalid or expired (`unauthenticated`, `invalid-token`)';
    problems['403'] = "The token's roles, teams or scopes do not allow this (`forbidden`)";
  }
  if (/\{[^}]+\}/.test(path)) problems['404'] = 'No such resource in your tenant';
  if (write) {
    problems['409'] = [
      ...(ifMatch ? ['`wrong-expected-revision`: changed since the revision in If-Match; read it again'] : []),
      '`idempotency-key-reused`, `idempotency-key-in-flight` (see Retry-After) or `idempotency-outcome-lost` for a repeated Idempotency-Key',
    ].join('; ');
  }
  if (body) {
    problems['413'] = 'The body is larger than this service accepts (`payload-too-large`)';
    problems['415'] = 'The body has a media type this service does not read; send application/json (`unsupported-media-type`)';
  }
  if (write) problems['422'] = 'A rule refused the command; `code` says which and `detail` why';
  problems['429'] = 'Too many requests from this address or principal (`rate-limited`); Retry-After says when to come back';
  problems['500'] = 'An unexpected error (`internal-error`); quote `correlationId` when you report it';
  return problems;
}

function asProblem(declared: ResponseObject | undefined, description: string): ResponseObject {
  if (declared?.content?.[PROBLEM_MEDIA_TYPE]) return declared;
  return {
    ...declared,
    description: declared?.description || description,
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
  };
}
