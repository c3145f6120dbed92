import { breakingChanges } from './compatibility';
import { eventSchema } from './event-schemas';
import type { JsonSchema } from './json-schema';

/** A committed schema of the same shape as the generator writes: closed objects, a union in `$defs`. */
const committed: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    objectiveId: { type: 'string' },
    note: { type: 'string' },
    confidence: { type: 'number' },
    status: { type: 'string', enum: ['on-track', 'at-risk', 'off-track'] },
    measure: { $ref: '#/$defs/Measure' },
  },
  required: ['objectiveId', 'confidence'],
  additionalProperties: false,
  $defs: {
    Measure: {
      anyOf: [
        { type: 'object', properties: { kind: { const: 'milestone' } }, required: ['kind'], additionalProperties: false },
        { type: 'object', properties: { kind: { const: 'increase' }, target: { type: 'number' } }, required: ['kind', 'target'], additionalProperties: false },
      ],
    },
  },
};

const changed = (edit: (schema: JsonSchema & { properties: Record<string, JsonSchema>; required: string[]; $defs: Record<string, JsonSchema> }) => void): JsonSchema => {
  const copy = structuredClone(committed) as Parameters<typeof edit>[0];
  edit(copy);
  return copy;
};

describe('breakingChanges', () => {
  it('finds none between a schema and itself, nor in every committed schema against itself', () => {
    expect(breakingChanges(committed, committed)).toEqual([]);
    expect(breakingChanges(eventSchema('KeyResultAdded', 1) as JsonSchema, eventSchema('KeyResultAdded', 1) as JsonSchema)).toEqual([]);
  });

  it('lets a new optional property and a widened enum through', () => {
    const next = changed((s) => {
      s.properties['blockers'] = { type: 'array', items: { type: 'string' } };
      s.properties['status'] = { type: 'string', enum: ['on-track', 'at-risk', 'off-track', 'done'] };
    });
    expect(breakingChanges(committed, next)).toEqual([]);
  });

  it('refuses a removed property', () => {
    expect(breakingChanges(committed, changed((s) => delete s.properties['note']))).toEqual([{ path: '/note', reason: 'property removed' }]);
  });

  it('refuses a retyped property', () => {
    expect(breakingChanges(committed, changed((s) => (s.properties['confidence'] = { type: 'string' })))).toEqual([
      { path: '/confidence', reason: 'retyped from number to string' },
    ]);
  });

  it('refuses a new required property, and an optional one made required', () => {
    const next = changed((s) => {
      s.properties['teamId'] = { type: 'string' };
      s.required.push('teamId', 'note');
    });
    expect(breakingChanges(committed, next)).toEqual([
      { path: '/teamId', reason: 'new required property' },
      { path: '/note', reason: 'optional property made required' },
    ]);
  });

  it('refuses a narrowed enum', () => {
    const next = changed((s) => (s.properties['status'] = { type: 'string', enum: ['on-track', 'at-risk'] }));
    expect(breakingChanges(committed, next)).toEqual([{ path: '/status', reason: 'enum narrowed: "off-track" no longer accepted' }]);
  });

  it('refuses a change inside a union alternative reached through $ref', () => {
    const next = changed((s) => {
      const measure = s.$defs['Measure'] as { anyOf: JsonSchema[] };
      measure.anyOf[1] = { type: 'object', properties: { kind: { const: 'increase' }, target: { type: 'string' } }, required: ['kind', 'target'], additionalProperties: false };
    });
    expect(breakingChanges(committed, next)).toEqual(
      expect.arrayContaining([{ path: '/measure', reason: 'alternative 2 of the union is no longer accepted' }, { path: '/measure/target', reason: 'retyped from number to string' }]),
    );
  });
});
