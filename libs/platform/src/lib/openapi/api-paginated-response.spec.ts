import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { createPlatformTestApp, listConventionViolations, type PlatformTestApp } from '../../testing';
import { ListQueryDto, MAX_PAGE_LIMIT, pageArray } from '../http/pagination';
import { ApiPaginatedResponse } from './api-paginated-response';
import { Permission } from '../auth/permission.decorator';

class ThingItem {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
}

class ListThingsQuery extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() q?: string;
}

const THINGS = Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, title: `Thing ${i}` }));

@Controller('api/v1/things')
class ThingsController {
  @Get()
  @Permission('tenant:read')
  @ApiPaginatedResponse(ThingItem)
  list(@Query() query: ListThingsQuery) {
    return pageArray(THINGS, query, { list: 'things', position: (t) => ({ key: null, id: t.id }) });
  }

  @Get('unpaged')
  @Permission('tenant:read')
  unpaged() {
    return { things: THINGS };
  }

  @Get(':id')
  @Permission('tenant:read')
  one(@Param('id') id: string) {
    return THINGS.find((t) => t.id === id);
  }
}

describe('a list route on the platform', () => {
  let t: PlatformTestApp;
  let token: string;

  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [ThingsController], openApi: { title: 'Things', version: '1' } });
    token = await t.token();
  });
  afterAll(() => t.close());

  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: res.json() };
  };

  it('pages with limit and the cursor of the previous page', async () => {
    const first = await get('/api/v1/things?limit=2&q=x');
    expect(first).toMatchObject({ status: 200, body: { items: [{ id: 't0' }, { id: 't1' }], nextCursor: expect.any(String) } });
    const second = await get(`/api/v1/things?limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: THINGS.slice(2), nextCursor: null });
  });

  it.each([['0'], ['201'], ['1.5'], ['ten'], ['']])('answers 400 naming limit for limit=%s', async (limit) => {
    const res = await get(`/api/v1/things?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'limit', message: `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}` }]);
  });

  it('answers 400 naming cursor for a cursor that is not one of this list', async () => {
    const res = await get('/api/v1/things?cursor=bm90LWEtY3Vyc29y');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'cursor', message: expect.stringContaining('cursor') }]);
  });

  it('documents limit, cursor, the filters and the page schema with its item schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    const operation = doc.paths['/api/v1/things'].get;
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['query:cursor', 'query:limit', 'query:q']);
    expect(operation.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 });
    const schema = operation.responses['200'].content['application/json'].schema;
    expect(schema).toMatchObject({
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/ThingItem' } }, nextCursor: { type: 'string', nullable: true } },
    });
    expect(doc.components.schemas.ThingItem.properties).toHaveProperty('title');
  });

  it('finds every GET route that is neither a documented list nor declared as not a list', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    expect(listConventionViolations(doc, ['GET /api/v1/things/{id}', 'GET /api/v1/things/unpaged'])).toEqual([]);
    const violations = listConventionViolations(doc, ['GET /api/v1/things/{id}', 'GET /api/v1/gone']);
    expect(violations).toEqual([
      'GET /api/v1/things/unpaged: no `limit` query parameter',
      'GET /api/v1/things/unpaged: no `cursor` query parameter',
      'GET /api/v1/things/unpaged: the 200 response declares no `items` array with an item schema',
      'GET /api/v1/things/unpaged: the 200 response declares no `nextCursor`',
      'GET /api/v1/things/unpaged: `items` is not required in the 200 response',
      'GET /api/v1/things/unpaged: `nextCursor` is not required in the 200 response',
      'GET /api/v1/gone: declared as not a list, but the document has no such route',
    ]);
  });
});
