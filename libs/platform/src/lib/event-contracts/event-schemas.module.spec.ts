import { EVENT_SCHEMAS, validateEventData } from '@okr/event-contracts';
import Ajv2020 from 'ajv/dist/2020';
import { openApiGaps } from '../../testing/openapi-gaps';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing/platform-test-app';
import { EventSchemasModule } from './event-schemas.module';

describe('GET /api/events/schemas', () => {
  let t: PlatformTestApp;
  beforeAll(async () => (t = await createPlatformTestApp({ imports: [EventSchemasModule], openApi: { title: 'test', version: '1' } })));
  afterAll(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('lists every event type and version without a token, a page at a time', async () => {
    const first = await get('/api/events/schemas?limit=10');
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(10);
    expect(page.items[0]).toEqual({ type: EVENT_SCHEMAS[0]?.type, version: 1, id: EVENT_SCHEMAS[0]?.id, path: EVENT_SCHEMAS[0]?.path, latest: true });
    const all = [...page.items];
    for (let cursor = page.nextCursor; cursor; ) {
      const next = (await get(`/api/events/schemas?limit=10&cursor=${cursor}`)).json();
      all.push(...next.items);
      cursor = next.nextCursor;
    }
    expect(all.map((e: { id: string }) => e.id)).toEqual(EVENT_SCHEMAS.map((e) => e.id));
  });

  it('answers one schema as application/schema+json, a JSON Schema 2020-12 document that validates what the catalogue validates', async () => {
    const response = await get('/api/events/schemas/KeyResultAdded/1');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/schema\+json/);
    const schema = response.json();
    expect(schema).toMatchObject({ $id: 'urn:okr:event:KeyResultAdded:v1', $schema: 'https://json-schema.org/draft/2020-12/schema' });
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const data = { objectiveId: 'o', keyResultId: 'k', title: 'Activation', measure: { kind: 'milestone' } };
    expect(validate(data)).toBe(true);
    expect(validateEventData('KeyResultAdded', 1, data)).toEqual({ valid: true });
  });

  it('answers 404 problems naming what exists, and 400 for a malformed type or version', async () => {
    const unknown = await get('/api/events/schemas/ObjectiveUpdated/1');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json()).toMatchObject({ code: 'event-schema-not-found', detail: 'No event type is named ObjectiveUpdated.' });
    expect((await get('/api/events/schemas/KeyResultAdded/7')).json()).toMatchObject({ detail: 'KeyResultAdded has schema versions 1 to 1, not 7.' });
    const bad = await get('/api/events/schemas/key-result/one');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['type', 'version']);
  });

  it('is documented: public operations, success schemas, problem responses', async () => {
    const document = (await get('/api/docs-json')).json();
    expect(openApiGaps(document).filter((gap) => gap.includes('/api/events/'))).toEqual([]);
    const one = document.paths['/api/events/schemas/{type}/{version}'].get;
    expect(one.security).toEqual([]);
    expect(Object.keys(one.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '429']));
    expect(Object.keys(one.responses)).not.toContain('401');
  });
});
