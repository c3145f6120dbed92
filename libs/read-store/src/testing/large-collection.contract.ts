import type { CollectionDefinition, ReadCollection, ReadDocument, ReadStore } from '../lib/read-store.port';

/** How many documents the large collection holds: a large organisation's read model, not a demo's. */
export const LARGE_COLLECTION_SIZE = 50_000;

/** Indexes shaped like the read models' own: compound, multikey (`items.id`), unique. */
const indexes: CollectionDefinition['indexes'] = [
  { fields: { docType: 1, group: 1, current: 1 } },
  { fields: { 'items.id': 1 } },
  { fields: { code: 1 }, unique: true },
];

const documentOf = (i: number): ReadDocument => ({
  _id: `d${i}`,
  docType: i % 10 === 0 ? 'head' : 'point',
  group: `g${i % 1_000}`,
  current: i % 2 === 0,
  code: `c${i}`,
  items: [{ id: `i${i}` }, { id: `shared${i % 7}` }],
  n: i,
});

const idsOf = (documents: readonly ReadDocument[]): string[] => documents.map((document) => document._id).sort();

/** The ids `documentOf` gives to 0..size-1 that satisfy `predicate`, sorted as strings. */
const expectedIds = (size: number, predicate: (document: ReadDocument) => boolean): string[] =>
  Array.from({ length: size }, (_, i) => documentOf(i))
    .filter(predicate)
    .map((document) => document._id)
    .sort();

/**
 * The contract's large-collection case: correctness at the size of a large organisation (lookups by
 * `_id` and by indexed fields, an update that moves a document between index keys, deletes, reads
 * inside a transaction). It asserts answers only, never a duration.
 */
export function largeCollectionContract(
  fresh: (suffix: string, indexes?: CollectionDefinition['indexes']) => Promise<ReadCollection>,
  currentStore: () => ReadStore,
): void {
  describe(`a collection of ${LARGE_COLLECTION_SIZE.toLocaleString('en-US')} documents`, () => {
    // A safety net for a stuck adapter, not a performance assertion.
    jest.setTimeout(600_000);

    it('answers lookups by _id and by indexed fields, and follows updates and deletes between index keys', async () => {
      const collection = await fresh('large', indexes);
      for (let i = 0; i < LARGE_COLLECTION_SIZE; i += 5_000) {
        const batch = Array.from({ length: 5_000 }, (_, j) => ({ insertOne: { document: documentOf(i + j) } }));
        await currentStore().withTransaction((session) => collection.bulkWrite(batch, session));
      }
      expect(await collection.count()).toBe(LARGE_COLLECTION_SIZE);

      // By _id: findOne, find, $in and an $or with an indexed branch.
      expect(await collection.findOne({ _id: 'd49999' })).toEqual(documentOf(49_999));
      expect(idsOf(await collection.find({ _id: 'd123' }))).toEqual(['d123']);
      expect(idsOf(await collection.find({ _id: { $in: ['d1', 'd40000', 'missing'] } }))).toEqual(['d1', 'd40000']);
      expect(idsOf(await collection.find({ $or: [{ _id: 'd7' }, { code: 'c8' }] }))).toEqual(['d7', 'd8']);
      expect(await collection.findOne({ _id: 'd50000' })).toBeNull();

      // By indexed fields: a compound prefix, the whole compound key, a multikey path, $in, and a
      // further condition on an unindexed field.
      const inGroup = (g: number) => (document: ReadDocument): boolean => document['group'] === `g${g}`;
      expect(idsOf(await collection.find({ docType: 'point', group: 'g17' }))).toEqual(
        expectedIds(LARGE_COLLECTION_SIZE, (d) => d['docType'] === 'point' && inGroup(17)(d)),
      );
      expect(idsOf(await collection.find({ docType: 'head', group: 'g20', current: true }))).toEqual(
        expectedIds(LARGE_COLLECTION_SIZE, (d) => d['docType'] === 'head' && inGroup(20)(d) && d['current'] === true),
      );
      expect(idsOf(await collection.find({ 'items.id': 'i31337' }))).toEqual(['d31337']);
      expect(await collection.count({ 'items.id': 'shared3' })).toBe(expectedIds(LARGE_COLLECTION_SIZE, (d) => d['n'] as number % 7 === 3).length);
      expect(idsOf(await collection.find({ code: { $in: ['c5', 'c6', 'nope'] } }))).toEqual(['d5', 'd6']);
      expect(idsOf(await collection.find({ docType: 'point', group: 'g3', n: { $gte: 45_000 } }))).toEqual(
        expectedIds(LARGE_COLLECTION_SIZE, (d) => d['docType'] === 'point' && inGroup(3)(d) && (d['n'] as number) >= 45_000),
      );
      expect(await collection.find({ docType: 'point', group: 'g-none' })).toEqual([]);

      // An update moves a document between index keys: found under the new ones only.
      await collection.updateOne({ _id: 'd17' }, { $set: { group: 'g999', code: 'moved', items: [{ id: 'elsewhere' }] } });
      expect(idsOf(await collection.find({ docType: 'point', group: 'g17' }))).not.toContain('d17');
      expect(idsOf(await collection.find({ docType: 'point', group: 'g999' }))).toContain('d17');
      expect(await collection.findOne({ code: 'c17' })).toBeNull();
      expect((await collection.findOne({ code: 'moved' }))?._id).toBe('d17');
      expect(await collection.find({ 'items.id': 'i17' })).toEqual([]);
      expect(idsOf(await collection.find({ 'items.id': 'elsewhere' }))).toEqual(['d17']);
      // Its old unique key is free again.
      await collection.bulkWrite([{ insertOne: { document: { _id: 'new17', code: 'c17' } } }]);
      expect((await collection.findOne({ code: 'c17' }))?._id).toBe('new17');

      // Deletes: by an indexed field and by _id; gone from every index.
      expect(await collection.deleteMany({ docType: 'head', group: 'g40' })).toMatchObject({ deleted: 50 });
      expect(await collection.find({ docType: 'head', group: 'g40' })).toEqual([]);
      expect(await collection.findOne({ _id: 'd40' })).toBeNull();
      expect(await collection.find({ 'items.id': 'i1040' })).toEqual([]);
      await collection.deleteMany({ _id: 'd49999' });
      expect(await collection.find({ code: 'c49999' })).toEqual([]);
      expect(await collection.count()).toBe(LARGE_COLLECTION_SIZE + 1 - 50 - 1);
    });

    it('reads its own writes through the session at size, and others see them only after the commit', async () => {
      const collection = await fresh('largetx', indexes);
      for (let i = 0; i < LARGE_COLLECTION_SIZE; i += 5_000) {
        const batch = Array.from({ length: 5_000 }, (_, j) => ({ insertOne: { document: documentOf(i + j) } }));
        await collection.bulkWrite(batch);
      }
      const seen = await currentStore().withTransaction(async (session) => {
        await collection.updateOne({ _id: 'd2' }, { $set: { group: 'g-moved' } }, { session });
        await collection.bulkWrite([{ insertOne: { document: { ...documentOf(60_001), group: 'g-moved' } } }], session);
        await collection.deleteMany({ _id: 'd4' }, session);
        return {
          inSession: idsOf(await collection.find({ docType: 'point', group: 'g-moved' }, { session })),
          oldKeyInSession: idsOf(await collection.find({ docType: 'point', group: 'g2' }, { session })),
          deletedInSession: await collection.findOne({ _id: 'd4' }, { session }),
          outside: await collection.find({ docType: 'point', group: 'g-moved' }),
        };
      });
      expect(seen.inSession).toEqual(['d2', 'd60001']);
      expect(seen.oldKeyInSession).not.toContain('d2');
      expect(seen.deletedInSession).toBeNull();
      expect(seen.outside).toEqual([]);
      expect(idsOf(await collection.find({ docType: 'point', group: 'g-moved' }))).toEqual(['d2', 'd60001']);
      expect(await collection.findOne({ _id: 'd4' })).toBeNull();
    });
  });
}
