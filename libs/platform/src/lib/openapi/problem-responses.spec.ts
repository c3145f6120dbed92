import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { createPlatformTestApp, openApiGaps, type PlatformTestApp } from '../../testing';
import { Permission } from '../auth/permission.decorator';
import { Public } from '../auth/principal';
import { IF_MATCH_HEADER } from '../http/write-request';
import { NotIdempotentlyStored } from '../idempotency/idempotency.interceptor';
import { OmitProblemResponses } from './problem-responses';

class Rename {
  @ApiProperty() @IsString() name!: string;
}
class Filter {
  @ApiProperty({ required: false }) @IsOptional() @IsString() q?: string;
}
class Thing {
  @ApiProperty() id!: string;
}

@Controller('api/v1/things')
class ThingsController {
  @Get()
  @Permission('tenant:read')
  @ApiOkResponse({ type: [Thing] })
  list(@Query() _query: Filter) {
    return [];
  }

  @Get('plain')
  @Permission('tenant:read')
  @ApiOkResponse({ type: Thing })
  plain() {
    return { id: 'x' };
  }

  @Post(':id/renaming')
  @Permission('tenant:admin')
  @HttpCode(200)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ type: Thing })
  @ApiNotFoundResponse({ description: 'No thing of that id' })
  rename(@Param('id') id: string, @Body() _body: Rename) {
    return { id };
  }

  @Post('pings')
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @OmitProblemResponses(422)
  @ApiOkResponse({ type: Thing })
  ping() {
    return { id: 'x' };
  }
}

@Public()
@Controller('api/v1/open')
class OpenController {
  @Get()
  @ApiOkResponse({ type: Thing })
  open() {
    return { id: 'x' };
  }
}

describe('documentProblemResponses (through buildOpenApiDocument)', () => {
  let t: PlatformTestApp;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the served document
  let doc: any;

  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [ThingsController, OpenController], openApi: { title: 'Things', version: '1' } });
    doc = (await t.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
  });
  afterAll(() => t.close());

  const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();

  it('derives the error statuses of each route from what it reads and whether it writes', () => {
    expect(statuses('/api/v1/things', 'get')).toEqual(['200', '400', '401', '403', '429', '500']);
    expect(statuses('/api/v1/things/plain', 'get')).toEqual(['200', '401', '403', '429', '500']);
    expect(statuses('/api/v1/things/{id}/renaming', 'post')).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500']);
  });

  it('describes each error as a ProblemDetails, naming the inputs and the If-Match conflict', () => {
    const responses = doc.paths['/api/v1/things/{id}/renaming'].post.responses;
    for (const status of ['400', '401', '403', '404', '409', '413', '415', '422', '429', '500']) {
      expect(responses[status].content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } });
    }
    expect(responses['400'].description).toContain('the body, a path parameter, a header parameter');
    expect(responses['409'].description).toContain('wrong-expected-revision');
    expect(doc.paths['/api/v1/things'].get.responses['400'].description).toContain('a query parameter');
  });

  it('keeps the description a route declares for an error, with a problem body', () => {
    expect(doc.paths['/api/v1/things/{id}/renaming'].post.responses['404'].description).toBe('No thing of that id');
  });

  it('leaves out what a route omits, and the extension that said so', () => {
    const operation = doc.paths['/api/v1/things/pings'].post;
    expect(Object.keys(operation.responses)).not.toContain('422');
    expect(Object.keys(operation.responses)).toContain('409');
    expect(Object.keys(operation).filter((key) => key.startsWith('x-'))).toEqual([]);
  });

  it('documents Idempotency-Key on the writes that keep it, and the 409s it brings, but not on the others', () => {
    const header = (path: string, method: string) =>
      (doc.paths[path][method].parameters ?? []).filter((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
    expect(header('/api/v1/things/{id}/renaming', 'post')).toEqual([expect.objectContaining({ required: false, schema: expect.objectContaining({ maxLength: 200 }) })]);
    expect(doc.paths['/api/v1/things/{id}/renaming'].post.responses['409'].description).toContain('idempotency-key-reused');
    expect(header('/api/v1/things/pings', 'post')).toEqual([]);
    expect(doc.paths['/api/v1/things/pings'].post.responses['409'].description).not.toContain('idempotency');
    expect(header('/api/v1/things', 'get')).toEqual([]);
  });

  it('names the headers sent with a 401 and a 429', () => {
    const responses = doc.paths['/api/v1/things'].get.responses;
    expect(Object.keys(responses['401'].headers)).toEqual(['WWW-Authenticate']);
    expect(Object.keys(responses['429'].headers)).toEqual(['Retry-After']);
  });

  it('marks public routes as needing no token and gives them no 401 or 403', () => {
    const operation = doc.paths['/api/v1/open'].get;
    expect(operation.security).toEqual([]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '429', '500']);
    expect(doc.paths['/api/v1/things'].get.security).toBeUndefined();
  });

  it('leaves the probes and the metrics out of the document', () => {
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith('/api/'))).toEqual([]);
  });

  it('leaves no gap in a document whose routes declare their success responses', () => {
    expect(openApiGaps(doc)).toEqual([]);
  });

  it('answers the statuses it documents: 401 without a token, 400 for a bad body, problem bodies', async () => {
    const unauthenticated = await t.app.inject({ method: 'POST', url: '/api/v1/things/a/renaming', payload: { name: 'x' } });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['content-type']).toContain('application/problem+json');
    const token = await t.token({ roles: ['admin'] });
    const invalid = await t.app.inject({ method: 'POST', url: '/api/v1/things/a/renaming', payload: { name: 3 }, headers: { authorization: `Bearer ${token}` } });
    expect(invalid.statusCode).toBe(400);
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/things/a/renaming',
      payload: '<name>x</name>',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
    });
    expect(notJson.statusCode).toBe(415);
  });
});
