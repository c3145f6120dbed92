import { EVENT_SCHEMAS, eventSchema, latestSchemaVersion } from './event-schemas';
import { schemaPath } from './schema-names';
import { validateEventData } from './validate-event-data';

const keyResultAdded = {
  objectiveId: 'o-1',
  keyResultId: 'kr-1',
  title: 'Weekly active teams',
  measure: { kind: 'increase', start: 10, target: 40, unit: 'teams' },
};

describe('validateEventData', () => {
  it('compiles every committed schema under ajv strict mode', () => {
    for (const { type, version } of EVENT_SCHEMAS) {
      expect(() => validateEventData(type, version, {})).not.toThrow();
    }
  });

  it('accepts data of the declared shape', () => {
    expect(validateEventData('KeyResultAdded', 1, keyResultAdded)).toEqual({ valid: true });
  });

  it('names the field and the reason of each mismatch', () => {
    const result = validateEventData('KeyResultAdded', 1, { ...keyResultAdded, title: 42, measure: { kind: 'sideways' }, extra: true });
    expect(result.valid).toBe(false);
    const errors = result.valid ? [] : result.errors;
    expect(errors).toEqual(expect.arrayContaining([{ path: '/title', message: 'must be string' }, { path: '', message: 'must NOT have additional properties (extra)' }]));
    expect(errors.some((e) => e.path.startsWith('/measure'))).toBe(true);
  });

  it('refuses a type or version that has no schema', () => {
    expect(validateEventData('ObjectiveUpdated', 1, {})).toEqual({ valid: false, errors: [{ path: '', message: 'no schema for event type ObjectiveUpdated version 1' }] });
    expect(validateEventData('KeyResultAdded', 99, keyResultAdded).valid).toBe(false);
  });
});

describe('the catalogue', () => {
  it('names each schema by $id and serves it under its path', () => {
    expect(eventSchema('ObjectiveSet', 1)).toMatchObject({ $id: 'urn:okr:event:ObjectiveSet:v1', $schema: 'https://json-schema.org/draft/2020-12/schema' });
    expect(schemaPath('ObjectiveSet', 1)).toBe('/api/events/schemas/ObjectiveSet/1');
    expect(latestSchemaVersion('ObjectiveSet')).toBe(1);
    expect(latestSchemaVersion('NoSuchEvent')).toBeUndefined();
  });
});
