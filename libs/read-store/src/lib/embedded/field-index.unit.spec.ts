import type { IndexDefinition } from '../read-store.port';
import { FieldIndex } from './field-index';

/** Every key of every prefix -> ids, as the index holds it (from a fresh index of `documents` when given). */
const contents = (index: FieldIndex, keys: ReadonlyArray<readonly [prefix: number, key: string]>): Record<string, string[]> =>
  Object.fromEntries(keys.map(([prefix, key]) => [`${prefix}:${key}`, [...(index.get(prefix, key) ?? [])].sort()]));

describe('FieldIndex.replace', () => {
  const definition: Pick<IndexDefinition, 'fields'> = { fields: { team: 1, 'krs.id': 1 } };
  const keys = [
    [0, '["a"]'],
    [0, '["b"]'],
    [1, '["a","k1"]'],
    [1, '["a","k2"]'],
    [1, '["a","k3"]'],
    [1, '["b","k1"]'],
    [1, '["b","k3"]'],
  ] as const;

  it('leaves the index as removing the old document and adding the new one would, for any change of the indexed values', () => {
    const versions = [
      undefined,
      { _id: 'x', team: 'a', krs: [{ id: 'k1' }] },
      { _id: 'x', team: 'a', krs: [{ id: 'k1' }], title: 'only an unindexed field changed' },
      { _id: 'x', team: 'a', krs: [{ id: 'k1' }, { id: 'k2' }] },
      { _id: 'x', team: 'b', krs: [{ id: 'k1' }, { id: 'k3' }] },
      { _id: 'x', team: 'a', krs: [{ id: 'k3' }] },
      undefined,
      { _id: 'x', team: 'b', krs: [] },
    ];
    const replaced = new FieldIndex(definition);
    const rebuilt = new FieldIndex(definition);
    const neighbour = { _id: 'y', team: 'a', krs: [{ id: 'k1' }] };
    replaced.add('y', neighbour);
    rebuilt.add('y', neighbour);
    for (let step = 1; step < versions.length; step++) {
      const [previous, next] = [versions[step - 1], versions[step]];
      replaced.replace('x', previous, next);
      if (previous) rebuilt.remove('x', previous);
      if (next) rebuilt.add('x', next);
      expect(contents(replaced, keys)).toEqual(contents(rebuilt, keys));
    }
    expect(contents(replaced, keys)).toMatchObject({ '0:["a"]': ['y'], '0:["b"]': ['x'], '1:["a","k1"]': ['y'], '1:["a","k3"]': [] });
  });

  it('finds a document by what its new version holds, not its old one', () => {
    const index = new FieldIndex({ fields: { status: 1 } });
    index.replace('x', undefined, { _id: 'x', status: 'draft' });
    index.replace('x', { _id: 'x', status: 'draft' }, { _id: 'x', status: 'active' });
    expect(index.get(0, '["draft"]')).toBeUndefined();
    expect([...(index.get(0, '["active"]') ?? [])]).toEqual(['x']);
  });
});

describe('FieldIndex holders', () => {
  it('counts and lists the holders of a key as documents come and go, one or several', () => {
    const index = new FieldIndex({ fields: { team: 1 } });
    const holders = (): string[] => [...(index.get(0, '["a"]') ?? [])].sort();
    index.add('x', { _id: 'x', team: 'a' });
    index.add('x', { _id: 'x', team: 'a' });
    expect([holders(), index.count(0, '["a"]')]).toEqual([['x'], 1]);
    index.add('y', { _id: 'y', team: 'a' });
    index.add('z', { _id: 'z', team: 'a' });
    expect([holders(), index.count(0, '["a"]')]).toEqual([['x', 'y', 'z'], 3]);
    index.remove('y', { _id: 'y', team: 'a' });
    index.remove('x', { _id: 'x', team: 'a' });
    expect([holders(), index.count(0, '["a"]')]).toEqual([['z'], 1]);
    index.remove('x', { _id: 'x', team: 'a' });
    expect([holders(), index.count(0, '["a"]')]).toEqual([['z'], 1]);
    index.add('w', { _id: 'w', team: 'a' });
    expect(holders()).toEqual(['w', 'z']);
    index.remove('w', { _id: 'w', team: 'a' });
    index.remove('z', { _id: 'z', team: 'a' });
    expect([index.get(0, '["a"]'), index.count(0, '["a"]')]).toEqual([undefined, 0]);
  });
});
