import { Query, update as mingoUpdate } from 'mingo';
import type { Filter, ReadDocument, Update } from '../read-store.port';
import { applyDirectly, compileFilter } from './direct-paths';

// The direct paths must answer exactly as mingo (MongoDB's rules) wherever they answer at all.
const documents: ReadDocument[] = [
  { _id: 'a', tenantId: 't1', status: 'active', score: 3, tags: ['x', 'y'], keyResults: [{ id: 'k1' }, { id: 'k2' }], current: true },
  { _id: 'b', tenantId: 't1', status: 'draft', score: 0, tags: [], keyResults: [], current: false, nested: { team: 'n' } },
  { _id: 'c', tenantId: 't2', status: 'active', score: 3.5, keyResults: [{ id: 'k3', checks: [1, 2] }] },
  { _id: 'd', tenantId: 't2', progress: null, list: [[1], 2] },
];

const filters: Filter[] = [
  { _id: 'a' },
  { tenantId: 't1' },
  { tenantId: 't1', status: 'active' },
  { 'keyResults.id': 'k2' },
  { 'keyResults.checks': 2 },
  { tags: 'y' },
  { score: 3 },
  { current: true },
  { current: false },
  { status: { $eq: 'draft' } },
  { status: { $in: ['draft', 'none'] } },
  { 'nested.team': 'n' },
  { list: 2 },
  { list: 1 },
  { $or: [{ _id: 'a' }, { tenantId: 't2', score: 3.5 }] },
  { $and: [{ tenantId: 't1' }, { $or: [{ status: 'draft' }, { score: 3 }] }] },
];

describe('compileFilter', () => {
  it.each(filters.map((filter) => [JSON.stringify(filter), filter] as const))('matches as mingo does: %s', (_, filter) => {
    const test = compileFilter(filter);
    expect(test).toBeDefined();
    const query = new Query(filter);
    expect(documents.map((document) => test?.(document))).toEqual(documents.map((document) => query.test(document)));
  });

  it.each([
    [{ progress: null }],
    [{ score: { $gt: 1 } }],
    [{ nested: { team: 'n' } }],
    [{ tags: ['x', 'y'] }],
    [{ status: { $in: ['draft', null] } }],
    [{ $nor: [{ _id: 'a' }] }],
    [{ status: { $eq: 'draft', $ne: 'x' } }],
  ] as Filter[][])('leaves %j to mingo', (filter) => {
    expect(compileFilter(filter)).toBeUndefined();
  });
});

const viaMingo = (document: ReadDocument, operators: Update): ReadDocument => {
  const draft = JSON.parse(JSON.stringify(document)) as ReadDocument;
  mingoUpdate(draft, operators as Parameters<typeof mingoUpdate>[1]);
  return draft;
};

describe('applyDirectly', () => {
  const updates: Update[] = [
    { $set: { status: 'done', added: { deep: [1] } } },
    { $inc: { score: 2, fresh: 1 } },
    { $push: { tags: 'z' } },
    { $push: { entries: { at: 1 } } },
    { $unset: { status: '' } },
    { $set: { status: 'x' }, $inc: { score: -1 }, $push: { tags: 'w' } },
  ];

  it.each(updates.map((update) => [JSON.stringify(update), update] as const))('writes what mingo writes: %s', (_, operators) => {
    const document = documents[0];
    const before = JSON.stringify(document);
    const direct = applyDirectly(document, operators);
    expect(direct).toBeDefined();
    expect(JSON.parse(JSON.stringify(direct))).toEqual(viaMingo(document, operators));
    // The stored document itself is never changed.
    expect(JSON.stringify(document)).toBe(before);
  });

  it.each([
    [{ $set: { 'nested.team': 'm' } }],
    [{ $inc: { status: 1 } }],
    [{ $push: { score: 1 } }],
    [{ $push: { tags: { $each: ['a', 'b'] } } }],
    [{ $addToSet: { tags: 'x' } }],
    [{ $set: { score: 1 }, $inc: { score: 1 } }],
  ] as Update[][])('leaves %j to mingo', (operators) => {
    expect(applyDirectly(documents[0], operators)).toBeUndefined();
  });
});
