import type { OpenAPIObject } from '@nestjs/swagger';
import { answerViolations } from './openapi-answers';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });

const document = {
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/things/{id}': {
      get: { responses: { '200': { description: 'ok', ...json({ $ref: '#/components/schemas/Thing' }) } } },
      delete: { responses: { '204': { description: 'gone' } } },
    },
    '/things': {
      post: { responses: { '200': { description: 'ok', ...json({ type: 'object', properties: { items: { type: 'array', items: { oneOf: [{ $ref: '#/components/schemas/Thing' }, { $ref: '#/components/schemas/Refused' }] } } } }) } } },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'status'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          status: { type: 'string', enum: ['kept'] },
          note: { type: 'string', nullable: true, example: 'x' },
          owner: { allOf: [{ $ref: '#/components/schemas/Owner' }], description: 'who' },
          deputy: { allOf: [{ $ref: '#/components/schemas/Owner' }], nullable: true },
          data: { type: 'object', additionalProperties: true },
          value: { oneOf: [{ type: 'number' }, { type: 'boolean' }], nullable: true },
          previousOwner: { type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/Owner' }] },
        },
      },
      Owner: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      Refused: { type: 'object', required: ['status', 'code'], properties: { status: { type: 'string', enum: ['refused'] }, code: { type: 'string' } } },
    },
  },
} as unknown as OpenAPIObject;

const ID = '0193a3c4-0000-7000-8000-000000000000';

describe('answerViolations', () => {
  it('finds nothing in an answer that is what the document says', () => {
    const thing = { id: ID, status: 'kept', note: null, owner: { name: 'ana' }, deputy: null, data: { anything: 1 } };
    expect(answerViolations(document, 'GET', `/things/${ID}?x=1`, 200, thing)).toEqual([]);
    expect(answerViolations(document, 'POST', '/things', 200, { items: [thing, { status: 'refused', code: 'late' }] })).toEqual([]);
    expect(answerViolations(document, 'DELETE', `/things/${ID}`, 204, '')).toEqual([]);
  });

  it('takes null where a nullable union or nested object allows it, and still checks what is not null', () => {
    const thing = { id: ID, status: 'kept' };
    expect(answerViolations(document, 'GET', `/things/${ID}`, 200, { ...thing, value: null, previousOwner: null })).toEqual([]);
    expect(answerViolations(document, 'GET', `/things/${ID}`, 200, { ...thing, value: true, previousOwner: { name: 'bo' } })).toEqual([]);
    expect(answerViolations(document, 'GET', `/things/${ID}`, 200, { ...thing, value: 'x' })).toContain(`GET /things/${ID} 200: body.value must match a schema in anyOf`);
    expect(answerViolations(document, 'GET', `/things/${ID}`, 200, { ...thing, previousOwner: { name: 'bo', secret: 's' } })).toContain(
      `GET /things/${ID} 200: body.previousOwner must NOT have additional properties (secret)`,
    );
  });

  it('names a missing field, a wrong type, a value outside the enum, and a field the document does not have', () => {
    expect(answerViolations(document, 'GET', `/things/${ID}`, 200, { status: 'gone', note: 3, owner: { name: 'ana', secret: 's' }, deputy: {} })).toEqual([
      "GET /things/" + ID + " 200: body must have required property 'id'",
      'GET /things/' + ID + ' 200: body.status must be equal to one of the allowed values',
      'GET /things/' + ID + ' 200: body.note must be string',
      'GET /things/' + ID + ' 200: body.owner must NOT have additional properties (secret)',
      'GET /things/' + ID + ' 200: body.deputy must be null',
      "GET /things/" + ID + " 200: body.deputy must have required property 'name'",
      'GET /things/' + ID + ' 200: body.deputy must match a schema in anyOf',
    ]);
    expect(answerViolations(document, 'POST', '/things', 200, { items: [{ status: 'refused' }] })).toContain(
      'POST /things 200: body.items[0] must match exactly one schema in oneOf',
    );
  });

  it('names an answer the document does not describe', () => {
    expect(answerViolations(document, 'GET', '/others', 200, {})).toEqual(['GET /others: the document has no such path']);
    expect(answerViolations(document, 'PUT', '/things', 200, {})).toEqual(['PUT /things: the document has no PUT /things']);
    expect(answerViolations(document, 'GET', `/things/${ID}`, 404, {})).toEqual([`GET /things/${ID}: answered 404, which GET /things/{id} does not document`]);
    expect(answerViolations(document, 'DELETE', `/things/${ID}`, 204, { id: ID })).toEqual([`DELETE /things/${ID}: answered a 204 body the document gives no schema`]);
  });
});
