import type { JsonSchema } from '../lib/json-schema';
import { olderPersonalDataPaths } from './older-personal-data';

const v1: JsonSchema = {
  type: 'object',
  properties: { objectiveId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, people: { type: 'array', items: { $ref: '#/$defs/P' } } },
  $defs: { P: { type: 'object', properties: { name: { type: 'string' } } } },
};
const toV2 = (data: { objectiveId: string; from: string; to: string; people: { name: string }[] }) => ({
  objectiveId: data.objectiveId,
  fromOwnerId: data.from,
  toOwnerId: data.to,
  members: data.people.map((p) => p.name),
});

describe('olderPersonalDataPaths', () => {
  it("finds the older fields today's personal fields are lifted from", () => {
    expect(olderPersonalDataPaths(v1, 1, [toV2 as (data: never) => unknown], ['fromOwnerId', 'toOwnerId', 'members']).sort()).toEqual(['from', 'people.name', 'to']);
  });

  it('finds nothing when no personal field of today comes from the older version', () => {
    expect(olderPersonalDataPaths(v1, 1, [toV2 as (data: never) => unknown], ['reason'])).toEqual([]);
  });
});
