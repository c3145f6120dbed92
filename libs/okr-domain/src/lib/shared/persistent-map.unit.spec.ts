import { deepFreeze } from '../../testing/decider-spec';
import { emptyMap, mapEntries, mapFromRecord, mapGet, mapHas, mapSet, mapToRecord, type PersistentMap } from './persistent-map';

describe('PersistentMap', () => {
  it('sets, replaces and finds any string key, including prototype names', () => {
    let map = emptyMap<number>();
    const keys = ['a', '__proto__', 'constructor', 'hasOwnProperty', '', ...Array.from({ length: 3_000 }, (_, i) => `key-${i}`)];
    keys.forEach((key, i) => (map = deepFreeze(mapSet(map, key, i))));
    expect(map.size).toBe(keys.length);
    keys.forEach((key, i) => expect(mapGet(map, key)).toBe(i));
    expect(mapGet(map, 'toString')).toBeUndefined();
    expect(mapHas(map, 'missing')).toBe(false);
    map = mapSet(map, 'key-7', -1);
    expect(map.size).toBe(keys.length);
    expect(mapGet(map, 'key-7')).toBe(-1);
    expect([...mapEntries(map)]).toHaveLength(keys.length);
  });

  it('leaves every earlier version as it was (structure is shared, never changed)', () => {
    const versions: PersistentMap<number>[] = [emptyMap()];
    for (let i = 0; i < 500; i++) versions.push(deepFreeze(mapSet(versions[i] as PersistentMap<number>, `k${i % 200}`, i)));
    versions.forEach((version, n) => {
      const expected = new Map<string, number>();
      for (let i = 0; i < n; i++) expected.set(`k${i % 200}`, i);
      expect(version.size).toBe(expected.size);
      expect(mapToRecord(version)).toEqual(Object.fromEntries(expected));
    });
  });

  it('round-trips a record, and survives JSON (a snapshot of a state holding one)', () => {
    const record = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, { n: i }]));
    const map = mapFromRecord(record);
    expect(mapToRecord(map)).toEqual(record);
    const revived = JSON.parse(JSON.stringify(map)) as PersistentMap<{ n: number }>;
    expect(mapGet(revived, 'k42')).toEqual({ n: 42 });
    expect(mapToRecord(mapSet(revived, 'k100', { n: 100 }))).toEqual({ ...record, k100: { n: 100 } });
    for (let i = 0; i < 300; i++) expect(mapGet(revived, `missing-${i}`)).toBeUndefined();
  });
});
