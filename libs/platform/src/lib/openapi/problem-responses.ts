import { ApiExtension, ApiResponse, type OpenAPIObject, type OperationObject, type ParameterObject, type ResponseObject } from '@nestjs/swagger';
import { IDEMPOTENCY_OFF_EXTENSION } from '../idempotency/idempotency.interceptor';

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

/** The request header of every write the idempotency interceptor keeps (all but `@NotIdempotentlyStored()` ones). */
export const IDEMPOTENCY_KEY_PARAMETER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any 1-200 printable ASCII characters, new for each change: a retry with the same key and request gets the first answer again ' +
    '(with `Idempotent-Replayed: true`) and changes nothing',
  schema: { type: 'string', minLength: 1, maxLength: 200, example: '6f1c0e1e-retry-safe' },
};

/**
 * Adds the `Idempotency-Key` header to every write operation, but those marked `@NotIdempotentlyStored()`
 * (whose mark it removes). Run it before {@link documentProblemResponses}, which reads the header.
 */
export function documentIdempotencyKeys(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      const ignored = extensions[IDEMPOTENCY_OFF_EXTENSION] === true;
      delete extensions[IDEMPOTENCY_OFF_EXTENSION];
      if (WRITE_METHODS.has(method) && !ignored && !hasHeader(operation, 'idempotency-key')) {
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_PARAMETER];
      }
    }
  }
}

/**
 * Documents every operation's error responses, in one place, from what the platform answers (see
 * `ProblemDetailsFilter`, the guards, the idempotency interceptor, the rate limits), as
 * `application/problem+json` bodies of the `ProblemDetails` schema:
 * - 400 when the operation reads a body, a query, path parameters or a header (validation);
 * - 401 and 403 when it needs a token (public operations get `security: []`);
 * - 404 when its path names a resource; 409 on writes (stale `If-Match`, a concurrent write that kept
 *   winning, and `Idempotency-Key` reuse where the operation takes that header); 413 and 415 when it
 *   reads a body; 422 on writes (a domain rule refused the command); 429 everywhere (the per-address
 *   and per-principal rate limits, with `Retry-After`); 500.
 * No 412 or 428: a stale If-Match is a 409 and If-Match is optional.
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
        operation.responses[status] = asProblem(operation.responses[status] as ResponseObject | undefined, description, PROBLEM_HEADERS[status]);
      }
    }
  }
}

function problemsOf(method: string, path: string, operation: OperationObject, authenticated: boolean): Record<string, string> {
  const parameters = (operation.parameters ?? []) as { in?: string; name?: string }[];
  const write = WRITE_METHODS.has(method);
  const body = operation.requestBody !== undefined;
  const ifMatch = hasHeader(operation, 'if-match');
  const idempotencyKey = hasHeader(operation, 'idempotency-key');
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
      ifMatch
        ? '`wrong-expected-revision`: changed since the revision in If-Match; read it again'
        : '`wrong-expected-revision`: concurrent writes kept changing it; retry',
      ...(idempotencyKey ? ['`idempotency-key-reused`, `idempotency-key-in-flight` (see Retry-After) or `idempotency-outcome-lost` for a repeated Idempotency-Key'] : []),
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

function hasHeader(operation: OperationObject, name: string): boolean {
  return ((operation.parameters ?? []) as { in?: string; name?: string }[]).some((p) => p.in === 'header' && p.name?.toLowerCase() === name);
}

/** Headers the platform sends with some problems (see `UnauthenticatedProblem`, `RateLimitedProblem`). */
const PROBLEM_HEADERS: Record<string, ResponseObject['headers']> = {
  '401': { 'WWW-Authenticate': { description: '`Bearer`, or `Bearer error="invalid_token"`', schema: { type: 'string' } } },
  '429': { 'Retry-After': { description: 'Seconds to wait before the next request', schema: { type: 'integer' } } },
};

function asProblem(declared: ResponseObject | undefined, description: string, headers: ResponseObject['headers']): ResponseObject {
  if (declared?.content?.[PROBLEM_MEDIA_TYPE]) return declared;
  return {
    ...declared,
    description: declared?.description || description,
    ...(headers && !declared?.headers ? { headers } : {}),
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
  };
}

/**
 * Documents a route's 503 `view-catching-up` (see `ViewCatchingUpProblem`): `description` says what
 * the route cannot tell while its read model catches up; the answer carries `Retry-After`.
 */
export const ApiViewCatchingUpResponse = (description: string): MethodDecorator =>
  ApiResponse({
    status: 503,
    description,
    headers: { 'Retry-After': { description: 'Seconds to wait before asking again', schema: { type: 'integer' } } },
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
  });
