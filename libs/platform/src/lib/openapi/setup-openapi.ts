import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { routePermissions } from '../auth/route-permissions';
import { documentIdempotencyKeys, documentProblemResponses } from './problem-responses';

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
}

/** Where the interactive docs are served; the JSON document is at `${OPENAPI_PATH}-json`. */
export const OPENAPI_PATH = 'api/docs';

/** Name of the bearer security scheme; mark routes with `@ApiBearerAuth(BEARER_SCHEME)` if needed. */
export const BEARER_SCHEME = 'bearer';

/**
 * The service's OpenAPI document: its routes, a JWT bearer scheme required by the routes that need a
 * token, and the error responses of every route as `ProblemDetails` (see `documentProblemResponses`).
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version)
    .setDescription(options.description ?? '')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_DETAILS_SCHEMA },
  };
  // The guards' own list of the routes that need a token, in the document's path syntax.
  const authenticated = new Set(routePermissions(app).map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([^/]+)/g, '{$1}')}`));
  documentIdempotencyKeys(document);
  documentProblemResponses(document, (method, path) => authenticated.has(`${method} ${path}`));
  return document;
}

/**
 * Serves Swagger UI at `/api/docs` and the document at `/api/docs-json` (no token needed). Call it
 * before `app.init()` / `listen()`; on Fastify it relies on `@fastify/static`.
 */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const document = buildOpenApiDocument(app, options);
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
    yamlDocumentUrl: `${OPENAPI_PATH}-yaml`,
    customSiteTitle: options.title,
  });
  return document;
}

const PROBLEM_DETAILS_SCHEMA = {
  type: 'object' as const,
  description: 'RFC 9457 problem details (application/problem+json)',
  required: ['type', 'title', 'status', 'detail', 'instance', 'correlationId'],
  properties: {
    type: { type: 'string' as const, example: 'urn:okr:problem:validation-failed' },
    title: { type: 'string' as const },
    status: { type: 'integer' as const },
    detail: { type: 'string' as const },
    instance: { type: 'string' as const },
    code: { type: 'string' as const, example: 'objective-closed' },
    errors: {
      type: 'array' as const,
      items: {
        type: 'object' as const,
        required: ['field', 'message'],
        properties: { field: { type: 'string' as const, example: 'keyResults[0].title' }, message: { type: 'string' as const } },
      },
    },
    details: { type: 'object' as const, additionalProperties: true },
    correlationId: { type: 'string' as const },
  },
};
