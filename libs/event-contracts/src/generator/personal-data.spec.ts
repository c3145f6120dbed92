import type { JsonSchema } from '../lib/json-schema';
import { markPersonalData } from './personal-data';

const schema = (): JsonSchema => ({
  $id: 'urn:okr:event:Thing:v1',
  type: 'object',
  properties: {
    ownerId: { type: 'string' },
    from: { type: 'object', properties: { title: { type: 'string' }, size: { type: 'number' } } },
    leads: { type: 'array', items: { type: 'string' } },
    people: { type: 'array', items: { $ref: '#/$defs/Person' } },
  },
  $defs: { Person: { anyOf: [{ type: 'object', properties: { name: { type: 'string' } } }, { type: 'object', properties: { team: { type: 'string' } } }] } },
});

describe('markPersonalData', () => {
  it('marks top-level, nested, array and referenced union properties', () => {
    const marked = schema();
    markPersonalData(marked, ['ownerId', 'from.title', 'leads', 'people.name']);
    const properties = marked['properties'] as Record<string, JsonSchema & { properties?: Record<string, JsonSchema> }>;
    expect(properties['ownerId']).toEqual({ type: 'string', 'x-personal-data': true });
    expect(properties['from']?.properties?.['title']).toEqual({ type: 'string', 'x-personal-data': true });
    expect(properties['from']?.properties?.['size']).toEqual({ type: 'number' });
    expect(properties['leads']).toMatchObject({ 'x-personal-data': true });
    expect(JSON.stringify(marked['$defs'])).toContain('"name":{"type":"string","x-personal-data":true}');
    expect(JSON.stringify(marked['$defs'])).not.toContain('"team":{"type":"string","x-personal-data":true}');
  });

  it('refuses a path the schema does not have, unless the schema is of an older version than the catalogue describes', () => {
    expect(() => markPersonalData(schema(), ['owner'])).toThrow('urn:okr:event:Thing:v1: no property at owner to mark as personal data');
    const older = schema();
    markPersonalData(older, ['owner', 'ownerId'], false);
    expect((older['properties'] as Record<string, JsonSchema>)['ownerId']).toEqual({ type: 'string', 'x-personal-data': true });
  });
});
