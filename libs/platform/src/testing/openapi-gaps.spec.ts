import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiGaps } from './openapi-gaps';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
const json = (schema: object) => ({ 'application/json': { schema } });
const refused = { '401': { description: 'Unauthorized', content: problem } };

const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}): OpenAPIObject =>
  ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    components: { schemas: { ProblemDetails: { type: 'object', properties: { status: { type: 'integer' } } }, ...schemas } },
  }) as OpenAPIObject;

describe('openApiGaps', () => {
  it('finds nothing in a document that describes every answer', () => {
    const document = doc(
      {
        '/things': {
          get: { responses: { '200': { description: 'ok', content: json({ type: 'array', items: { $ref: '#/components/schemas/Thing' } }) }, ...refused } },
          post: { responses: { '201': { description: 'ok', content: json({ allOf: [{ $ref: '#/components/schemas/Thing' }] }) }, ...refused } },
        },
        '/things/{id}': {
          delete: { responses: { '204': { description: 'gone' }, '404': { description: 'no', content: problem }, default: { description: 'x', content: problem } } },
          put: { responses: { '202': { description: 'later' }, '400': { description: 'bad', content: { 'application/problem+json': { schema: { allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { type: 'object' }] } } } } } },
          patch: { responses: { '200': { description: 'ok', content: json({ type: 'object', additionalProperties: { type: 'number' } }) }, ...refused } },
        },
        '/metrics': { get: { responses: { '200': { description: 'text', content: { 'text/plain': { schema: { type: 'string' } } } }, ...refused } } },
      },
      { Thing: { type: 'object', properties: { id: { type: 'string' } } } },
    );
    expect(openApiGaps(document)).toEqual([]);
  });

  it('names an operation without a 2xx or without a 4xx response', () => {
    const document = doc({
      '/api/v1/cycles': {
        post: { responses: { '201': { description: 'ok', content: json({ type: 'string' }) } } },
        get: { responses: { ...refused } },
      },
    });
    expect(openApiGaps(document)).toEqual(['GET /api/v1/cycles: no 2xx response documented', 'POST /api/v1/cycles: no 4xx response documented']);
  });

  it('names a success response without a schema, or with one that says nothing', () => {
    const document = doc(
      {
        '/api/v1/objectives/{id}': {
          get: { responses: { '200': { description: 'ok' }, ...refused } },
          post: { responses: { '201': { description: 'ok', content: json({}) }, ...refused } },
          put: { responses: { '200': { description: 'ok', content: json({ type: 'object' }) }, ...refused } },
          patch: { responses: { '200': { description: 'ok', content: json({ type: 'array', items: {} }) }, ...refused } },
          delete: { responses: { '200': { description: 'ok', content: json({ $ref: '#/components/schemas/Empty' }) }, ...refused } },
        },
        '/api/v1/gone': { get: { responses: { '200': { description: 'ok', content: json({ $ref: '#/components/schemas/Missing' }) }, ...refused } } },
      },
      { Empty: { type: 'object', properties: {} } },
    );
    expect(openApiGaps(document)).toEqual([
      'GET /api/v1/objectives/{id}: the 200 response has no schema',
      'PUT /api/v1/objectives/{id}: the 200 response (application/json) has an object schema without properties',
      'POST /api/v1/objectives/{id}: the 201 response (application/json) has no schema',
      'DELETE /api/v1/objectives/{id}: the 200 response (application/json) refers to #/components/schemas/Empty, which has an object schema without properties',
      'PATCH /api/v1/objectives/{id}: the 200 response (application/json) is an array whose items have no schema',
      'GET /api/v1/gone: the 200 response (application/json) refers to #/components/schemas/Missing, which the document does not have',
    ]);
  });

  it('names an error response that is not a ProblemDetails', () => {
    const ok = { '200': { description: 'ok', content: json({ type: 'string' }) } };
    const document = doc({
      '/a': { get: { responses: { ...ok, '404': { description: 'no body' } } } },
      '/b': { get: { responses: { ...ok, '409': { description: 'other', content: { 'application/problem+json': { schema: { type: 'object' } } } } } } },
      '/c': { get: { responses: { ...ok, ...refused, '500': { description: 'both', content: { ...problem, ...json({ type: 'string' }) } } } } },
    });
    expect(openApiGaps(document)).toEqual([
      'GET /a: the 404 response is not application/problem+json',
      "GET /b: the 409 response's schema is not ProblemDetails",
      'GET /c: the 500 response also declares application/json; errors are only application/problem+json',
    ]);
  });

  it('names error responses that refer to a ProblemDetails the document does not define', () => {
    const document = doc({ '/a': { get: { responses: { '200': { description: 'ok', content: json({ type: 'string' }) }, ...refused } } } });
    delete (document.components?.schemas as Record<string, unknown>)['ProblemDetails'];
    expect(openApiGaps(document)).toEqual(['GET /a: the 401 response refers to ProblemDetails, which the document does not have']);
  });
});
