import { randomUUID } from 'node:crypto';
import { DuplicateKeyError, WriteConflictError } from '../lib/errors';
import type {
  BulkOperation,
  CollectionDefinition,
  ReadCollection,
  ReadDocument,
  ReadStore,
  WriteResult,
} from '../lib/read-store.port';
import { largeCollectionContract } from './large-collection.contract';

/**
 * Opens the store under test. Called before every test, and again inside a test to simulate a
 * restart (the suite closes the previous store first), so every call must reach the same data
 * (the same SQLite file, the same MongoDB database).
 */
export type ReadStoreOpener = () => Promise<ReadStore>;

/** A collection name no other test (or earlier run against a shared server) uses. */
export const uniqueCollectionName = (suffix: string): string =>
  `rsc_${randomUUID().replaceAll('-', '').slice(0, 16)}_${suffix}`;

/** A write result with every count zero except the ones given. */
export const writeResult = (counts: Partial<WriteResult>): WriteResult => ({
  matched: 0,
  modified: 0,
  upserted: 0,
  deleted: 0,
  inserted: 0,
  ...counts,
});

const byId = { _id: 1 } as const;

/** Five objectives used by the query tests. */
const objectives: ReadDocument[] = [
  {
    _id: 'o1',
    title: 'Grow revenue',
    team: 'growth',
    progress: 0.2,
    tags: ['sales', 'q1'],
    meta: { kind: 'committed', level: 1 },
    keyResults: [
      { id: 'k1', value: 3 },
      { id: 'k2', value: 7 },
    ],
  },
  {
    _id: 'o2',
    title: 'Cut churn',
    team: 'growth',
    progress: 0.5,
    tags: ['retention'],
    meta: { kind: 'aspirational', level: 2 },
    keyResults: [{ id: 'k3', value: 1 }],
  },
  {
    _id: 'o3',
    title: 'Ship mobile',
    team: 'core',
    progress: 0.9,
    tags: ['q1'],
    meta: { kind: 'committed', level: 3 },
    keyResults: [],
    archived: true,
  },
  {
    _id: 'o4',
    title: 'Hire',
    team: 'people',
    progress: 0.7,
    tags: [],
    meta: { kind: 'committed', level: 2 },
    keyResults: [{ id: 'k4', value: 9 }],
  },
  { _id: 'o5', title: 'Untitled', team: 'core', progress: 0, tags: ['q2'], meta: { kind: 'learning', level: 1 } },
];

const ids = (documents: readonly ReadDocument[]): string[] => documents.map((document) => document._id);

/**
 * The one behaviour suite every {@link ReadStore} adapter must pass: MongoDB's filter, sort,
 * projection, update-operator, upsert and ordered bulk-write semantics, unique indexes declared by
 * the read model, transactions that commit or roll back as a whole, durability across a restart,
 * and collection rename/drop for rebuilds.
 *
 * Each test uses its own collection names (`uniqueCollectionName`), so the suite can run against a
 * shared, non-empty MongoDB; the collections a test creates are dropped after it.
 */
export function readStoreContract(name: string, open: ReadStoreOpener): void {
  describe(`${name} (ReadStore contract)`, () => {
    let store: ReadStore;
    let created: string[] = [];

    /** Opens a collection with a fresh name and remembers it for cleanup. */
    const fresh = async <T extends ReadDocument = ReadDocument>(
      suffix: string,
      indexes?: CollectionDefinition['indexes'],
    ): Promise<ReadCollection<T>> => {
      const collectionName = uniqueCollectionName(suffix);
      created.push(collectionName);
      return store.collection<T>({ name: collectionName, indexes });
    };

    /** Closes the store and opens it again, as a process restart would. */
    const restart = async (): Promise<ReadStore> => {
      await store.close();
      store = await open();
      return store;
    };

    const insertAll = async (collection: ReadCollection, documents: readonly ReadDocument[]): Promise<void> => {
      const result = await collection.bulkWrite(documents.map((document) => ({ insertOne: { document: structuredClone(document) } })));
      expect(result).toEqual(writeResult({ inserted: documents.length }));
    };

    beforeEach(async () => {
      created = [];
      store = await open();
    });

    afterEach(async () => {
      for (const collectionName of created) {
        await store.dropCollection(collectionName).catch(() => undefined);
      }
      await store.close();
    });

    largeCollectionContract(fresh, () => store);

    describe('find', () => {
      let objectivesCollection: ReadCollection;

      beforeEach(async () => {
        objectivesCollection = await fresh('objectives');
        await insertAll(objectivesCollection, objectives);
      });

      const matching = async (filter: Record<string, unknown>): Promise<string[]> =>
        ids(await objectivesCollection.find(filter, { sort: byId }));

      it('returns every document for an empty filter, as stored', async () => {
        expect(await objectivesCollection.find({}, { sort: byId })).toEqual(objectives);
        expect(await objectivesCollection.find(undefined, { sort: byId })).toEqual(objectives);
      });

      it('filters by equality, $eq and $in', async () => {
        expect(await matching({ team: 'growth' })).toEqual(['o1', 'o2']);
        expect(await matching({ team: { $eq: 'core' } })).toEqual(['o3', 'o5']);
        expect(await matching({ team: { $in: ['core', 'people'] } })).toEqual(['o3', 'o4', 'o5']);
        expect(await matching({ _id: 'o4' })).toEqual(['o4']);
        expect(await matching({ _id: { $in: ['o2', 'o5', 'missing'] } })).toEqual(['o2', 'o5']);
        expect(await matching({ team: 'growth', progress: 0.5 })).toEqual(['o2']);
        expect(await matching({ team: 'nobody' })).toEqual([]);
      });

      it('filters by comparisons', async () => {
        expect(await matching({ progress: { $lt: 0.5 } })).toEqual(['o1', 'o5']);
        expect(await matching({ progress: { $gte: 0.5 } })).toEqual(['o2', 'o3', 'o4']);
        expect(await matching({ progress: { $gt: 0.2, $lte: 0.7 } })).toEqual(['o2', 'o4']);
      });

      it('filters by $exists', async () => {
        expect(await matching({ archived: { $exists: true } })).toEqual(['o3']);
        expect(await matching({ archived: { $exists: false } })).toEqual(['o1', 'o2', 'o4', 'o5']);
        expect(await matching({ keyResults: { $exists: false } })).toEqual(['o5']);
      });

      it('filters by nested dotted fields, array membership and $elemMatch', async () => {
        expect(await matching({ 'meta.kind': 'committed' })).toEqual(['o1', 'o3', 'o4']);
        expect(await matching({ 'meta.level': { $gte: 2 } })).toEqual(['o2', 'o3', 'o4']);
        expect(await matching({ tags: 'q1' })).toEqual(['o1', 'o3']);
        expect(await matching({ keyResults: { $elemMatch: { value: { $gt: 5 } } } })).toEqual(['o1', 'o4']);
        expect(await matching({ keyResults: { $elemMatch: { id: 'k3', value: 1 } } })).toEqual(['o2']);
        expect(await matching({ 'keyResults.id': 'k2' })).toEqual(['o1']);
      });

      it('filters by $and, $or and $ne', async () => {
        expect(await matching({ $or: [{ team: 'people' }, { progress: 0 }] })).toEqual(['o4', 'o5']);
        expect(await matching({ $and: [{ 'meta.kind': 'committed' }, { progress: { $lt: 0.8 } }] })).toEqual(['o1', 'o4']);
        expect(await matching({ team: { $ne: 'growth' } })).toEqual(['o3', 'o4', 'o5']);
      });

      it('sorts ascending and descending, by several fields, then skips and limits', async () => {
        expect(ids(await objectivesCollection.find({}, { sort: { progress: -1 } }))).toEqual(['o3', 'o4', 'o2', 'o1', 'o5']);
        expect(ids(await objectivesCollection.find({}, { sort: { progress: 1 } }))).toEqual(['o5', 'o1', 'o2', 'o4', 'o3']);
        expect(ids(await objectivesCollection.find({}, { sort: { team: 1, progress: -1 } }))).toEqual(['o3', 'o5', 'o2', 'o1', 'o4']);
        expect(ids(await objectivesCollection.find({}, { sort: { 'meta.level': -1, _id: 1 } }))).toEqual(['o3', 'o2', 'o4', 'o1', 'o5']);
        expect(ids(await objectivesCollection.find({}, { sort: { progress: -1 }, skip: 1, limit: 2 }))).toEqual(['o4', 'o2']);
        expect(ids(await objectivesCollection.find({ team: { $ne: 'people' } }, { sort: { progress: 1 }, limit: 3 }))).toEqual([
          'o5',
          'o1',
          'o2',
        ]);
        expect(ids(await objectivesCollection.find({}, { sort: byId, skip: 4 }))).toEqual(['o5']);
        expect(await objectivesCollection.find({}, { sort: byId, skip: 5 })).toEqual([]);
      });

      it('projects the listed fields, always with _id', async () => {
        expect(await objectivesCollection.find({ team: 'growth' }, { sort: byId, projection: { title: 1, progress: 1 } })).toEqual([
          { _id: 'o1', title: 'Grow revenue', progress: 0.2 },
          { _id: 'o2', title: 'Cut churn', progress: 0.5 },
        ]);
        expect(await objectivesCollection.find({ _id: 'o3' }, { projection: { 'meta.kind': 1 } })).toEqual([
          { _id: 'o3', meta: { kind: 'committed' } },
        ]);
      });

      it('counts matching documents', async () => {
        expect(await objectivesCollection.count()).toBe(5);
        expect(await objectivesCollection.count({})).toBe(5);
        expect(await objectivesCollection.count({ team: 'core' })).toBe(2);
        expect(await objectivesCollection.count({ team: 'nobody' })).toBe(0);
      });

      it('finds one document, or null', async () => {
        expect(await objectivesCollection.findOne({ _id: 'o2' })).toEqual(objectives[1]);
        expect(await objectivesCollection.findOne({ 'meta.kind': 'learning' })).toEqual(objectives[4]);
        expect(await objectivesCollection.findOne({ _id: 'missing' })).toBeNull();
        expect(await objectivesCollection.findOne({ team: 'growth', progress: { $gt: 0.9 } })).toBeNull();
      });

      it('returns copies: changing a returned document changes nothing stored', async () => {
        const found = await objectivesCollection.findOne({ _id: 'o1' });
        (found as ReadDocument)['title'] = 'changed';
        ((found as ReadDocument)['tags'] as string[]).push('changed');
        const listed = await objectivesCollection.find({ _id: 'o1' });
        (listed[0]['meta'] as Record<string, unknown>)['kind'] = 'changed';
        expect(await objectivesCollection.findOne({ _id: 'o1' })).toEqual(objectives[0]);
      });
    });

    describe('updateOne', () => {
      it('applies $set, $inc, $push, $addToSet, $unset and $pull', async () => {
        const collection = await fresh('operators');
        await insertAll(collection, [
          { _id: 'a', title: 'A', count: 1, tags: ['x'], meta: { kind: 'k', level: 1 }, items: [{ id: 1 }, { id: 2 }] },
        ]);

        expect(await collection.updateOne({ _id: 'a' }, { $set: { title: 'A2', 'meta.kind': 'k2', 'meta.extra': true } })).toEqual(
          writeResult({ matched: 1, modified: 1 }),
        );
        expect(await collection.updateOne({ _id: 'a' }, { $inc: { count: 2, fresh: 5 } })).toEqual(writeResult({ matched: 1, modified: 1 }));
        expect(await collection.updateOne({ _id: 'a' }, { $push: { tags: 'y', history: { at: 1 } } })).toEqual(
          writeResult({ matched: 1, modified: 1 }),
        );
        expect(await collection.updateOne({ _id: 'a' }, { $addToSet: { tags: 'x' } })).toEqual(writeResult({ matched: 1 }));
        expect(await collection.updateOne({ _id: 'a' }, { $addToSet: { tags: 'z' } })).toEqual(writeResult({ matched: 1, modified: 1 }));
        expect(await collection.updateOne({ _id: 'a' }, { $unset: { 'meta.level': '' } })).toEqual(writeResult({ matched: 1, modified: 1 }));
        expect(await collection.updateOne({ _id: 'a' }, { $pull: { tags: 'y', items: { id: 1 } } })).toEqual(
          writeResult({ matched: 1, modified: 1 }),
        );

        expect(await collection.findOne({ _id: 'a' })).toEqual({
          _id: 'a',
          title: 'A2',
          count: 3,
          fresh: 5,
          tags: ['x', 'z'],
          meta: { kind: 'k2', extra: true },
          items: [{ id: 2 }],
          history: [{ at: 1 }],
        });
      });

      it('reports a match without a modification when nothing changes, and nothing when nothing matches', async () => {
        const collection = await fresh('noop');
        await insertAll(collection, [{ _id: 'a', title: 'A' }]);
        expect(await collection.updateOne({ _id: 'a' }, { $set: { title: 'A' } })).toEqual(writeResult({ matched: 1 }));
        expect(await collection.updateOne({ _id: 'b' }, { $set: { title: 'B' } })).toEqual(writeResult({}));
        expect(await collection.updateOne({ title: 'nothing' }, { $inc: { n: 1 } })).toEqual(writeResult({}));
        expect(await collection.find({})).toEqual([{ _id: 'a', title: 'A' }]);
      });

      it('updates only the first of several matching documents', async () => {
        const collection = await fresh('one');
        await insertAll(collection, [
          { _id: 'a', team: 't', n: 0 },
          { _id: 'b', team: 't', n: 0 },
        ]);
        expect(await collection.updateOne({ team: 't' }, { $inc: { n: 1 } })).toEqual(writeResult({ matched: 1, modified: 1 }));
        expect(await collection.count({ n: 1 })).toBe(1);
        expect(await collection.count({ n: 0 })).toBe(1);
      });

      it('upserts a document seeded from the filter’s equality fields, with $setOnInsert only on insert', async () => {
        const collection = await fresh('upsert');
        const filter = { _id: 'u1', team: 'growth', 'meta.kind': 'committed', status: { $eq: 'open' }, n: { $lt: 5 } };

        expect(
          await collection.updateOne(filter, { $set: { title: 'T' }, $inc: { n: 1 }, $setOnInsert: { createdAt: 'first' } }, { upsert: true }),
        ).toEqual(writeResult({ upserted: 1 }));
        expect(await collection.findOne({ _id: 'u1' })).toEqual({
          _id: 'u1',
          team: 'growth',
          meta: { kind: 'committed' },
          status: 'open',
          title: 'T',
          n: 1,
          createdAt: 'first',
        });

        expect(
          await collection.updateOne(filter, { $set: { title: 'T2' }, $inc: { n: 1 }, $setOnInsert: { createdAt: 'second' } }, { upsert: true }),
        ).toEqual(writeResult({ matched: 1, modified: 1 }));
        expect(await collection.findOne({ _id: 'u1' })).toEqual({
          _id: 'u1',
          team: 'growth',
          meta: { kind: 'committed' },
          status: 'open',
          title: 'T2',
          n: 2,
          createdAt: 'first',
        });
        expect(await collection.count()).toBe(1);
      });

      it('does not insert without upsert', async () => {
        const collection = await fresh('noupsert');
        expect(await collection.updateOne({ _id: 'x' }, { $set: { a: 1 } })).toEqual(writeResult({}));
        expect(await collection.updateOne({ _id: 'x' }, { $set: { a: 1 } }, { upsert: false })).toEqual(writeResult({}));
        expect(await collection.count()).toBe(0);
      });
    });

    describe('bulkWrite and deletes', () => {
      it('updates every matching document with updateMany', async () => {
        const collection = await fresh('many');
        await insertAll(collection, objectives);
        expect(await collection.bulkWrite([{ updateMany: { filter: { team: 'growth' }, update: { $inc: { views: 1 } } } }])).toEqual(
          writeResult({ matched: 2, modified: 2 }),
        );
        expect(await collection.bulkWrite([{ updateMany: { filter: { team: 'nobody' }, update: { $inc: { views: 1 } } } }])).toEqual(
          writeResult({}),
        );
        expect(ids(await collection.find({ views: 1 }, { sort: byId }))).toEqual(['o1', 'o2']);
        expect(await collection.count({ views: { $exists: true } })).toBe(2);
      });

      it('takes $set of _id to its own value (a whole document as the update), and refuses another _id', async () => {
        const collection = await fresh('set-id');
        expect(await collection.updateOne({ _id: 's1' }, { $set: { _id: 's1', title: 'one' } }, { upsert: true })).toEqual(writeResult({ upserted: 1 }));
        expect(await collection.updateOne({ _id: 's1' }, { $set: { _id: 's1', title: 'uno' } })).toEqual(writeResult({ matched: 1, modified: 1 }));
        expect(await collection.findOne({ _id: 's1' })).toEqual({ _id: 's1', title: 'uno' });
        await expect(collection.updateOne({ _id: 's1' }, { $set: { _id: 's2' } })).rejects.toThrow();
        expect(await collection.findOne({ _id: 's1' })).toEqual({ _id: 's1', title: 'uno' });
      });

      it('replaces a whole document, keeping its _id, and upserts a replacement', async () => {
        const collection = await fresh('replace');
        await insertAll(collection, [{ _id: 'r1', title: 'old', extra: 1 }]);

        expect(await collection.bulkWrite([{ replaceOne: { filter: { _id: 'r1' }, replacement: { _id: 'r1', title: 'new' } } }])).toEqual(
          writeResult({ matched: 1, modified: 1 }),
        );
        expect(await collection.findOne({ _id: 'r1' })).toEqual({ _id: 'r1', title: 'new' });

        expect(
          await collection.bulkWrite([{ replaceOne: { filter: { _id: 'r2' }, replacement: { _id: 'r2', title: 'two' }, upsert: true } }]),
        ).toEqual(writeResult({ upserted: 1 }));
        expect(await collection.bulkWrite([{ replaceOne: { filter: { _id: 'r3' }, replacement: { _id: 'r3', title: 'three' } } }])).toEqual(
          writeResult({}),
        );
        expect(await collection.find({}, { sort: byId })).toEqual([
          { _id: 'r1', title: 'new' },
          { _id: 'r2', title: 'two' },
        ]);
      });

      it('deletes one or many matching documents', async () => {
        const collection = await fresh('delete');
        await insertAll(collection, objectives);
        expect(await collection.bulkWrite([{ deleteOne: { filter: { team: 'core' } } }])).toEqual(writeResult({ deleted: 1 }));
        expect(await collection.count({ team: 'core' })).toBe(1);
        expect(await collection.deleteMany({ team: 'growth' })).toEqual(writeResult({ deleted: 2 }));
        expect(await collection.deleteMany({ team: 'nobody' })).toEqual(writeResult({}));
        expect(await collection.bulkWrite([{ deleteMany: { filter: { progress: { $gte: 0 } } } }])).toEqual(writeResult({ deleted: 2 }));
        expect(await collection.count()).toBe(0);
      });

      it('applies operations in order and sums their counts', async () => {
        const collection = await fresh('ordered');
        const operations: BulkOperation[] = [
          { insertOne: { document: { _id: 'a', n: 0, team: 't' } } },
          { insertOne: { document: { _id: 'b', n: 0, team: 't' } } },
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'c' }, update: { $set: { team: 't', n: 10 } }, upsert: true } },
          { updateMany: { filter: { team: 't' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'b' }, update: { $set: { n: 1 } } } },
          { deleteOne: { filter: { _id: 'b' } } },
          { replaceOne: { filter: { _id: 'a' }, replacement: { _id: 'a', n: 100 } } },
          { replaceOne: { filter: { _id: 'd' }, replacement: { _id: 'd', n: 4 }, upsert: true } },
          { deleteMany: { filter: { _id: 'missing' } } },
        ];
        expect(await collection.bulkWrite(operations)).toEqual({ matched: 6, modified: 5, upserted: 2, deleted: 1, inserted: 2 });
        expect(await collection.find({}, { sort: byId })).toEqual([
          { _id: 'a', n: 100 },
          { _id: 'c', team: 't', n: 11 },
          { _id: 'd', n: 4 },
        ]);
      });

      it('stops at a failing operation: a duplicate _id insert throws, earlier operations stay, later ones never run', async () => {
        const collection = await fresh('failing');
        await insertAll(collection, [{ _id: 'existing', v: 0 }]);
        await expect(
          collection.bulkWrite([
            { insertOne: { document: { _id: 'first', v: 1 } } },
            { insertOne: { document: { _id: 'existing', v: 2 } } },
            { insertOne: { document: { _id: 'third', v: 3 } } },
            { updateOne: { filter: { _id: 'existing' }, update: { $set: { v: 4 } } } },
          ]),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await collection.find({}, { sort: byId })).toEqual([
          { _id: 'existing', v: 0 },
          { _id: 'first', v: 1 },
        ]);
      });

      it('does nothing for an empty list of operations', async () => {
        const collection = await fresh('empty');
        expect(await collection.bulkWrite([])).toEqual(writeResult({}));
        expect(await collection.count()).toBe(0);
      });
    });

    describe('unique indexes', () => {
      const uniqueTeamCycle = [{ fields: { teamId: 1, cycleId: 1 }, unique: true }] as const;

      it('enforces a unique index declared in the definition, for inserts, updates and upserts', async () => {
        const collection = await fresh('unique', uniqueTeamCycle);
        await insertAll(collection, [
          { _id: 'a', teamId: 't1', cycleId: 'c1' },
          { _id: 'b', teamId: 't1', cycleId: 'c2' },
          { _id: 'c', teamId: 't2', cycleId: 'c1' },
        ]);

        await expect(collection.bulkWrite([{ insertOne: { document: { _id: 'd', teamId: 't1', cycleId: 'c1' } } }])).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        await expect(collection.updateOne({ _id: 'b' }, { $set: { cycleId: 'c1' } })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(
          collection.updateOne({ _id: 'e' }, { $set: { teamId: 't2', cycleId: 'c1' } }, { upsert: true }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(
          collection.bulkWrite([{ replaceOne: { filter: { _id: 'c' }, replacement: { _id: 'c', teamId: 't1', cycleId: 'c2' } } }]),
        ).rejects.toBeInstanceOf(DuplicateKeyError);

        expect(await collection.find({}, { sort: byId })).toEqual([
          { _id: 'a', teamId: 't1', cycleId: 'c1' },
          { _id: 'b', teamId: 't1', cycleId: 'c2' },
          { _id: 'c', teamId: 't2', cycleId: 'c1' },
        ]);

        // A key freed by a delete or an update can be taken again.
        await collection.deleteMany({ _id: 'a' });
        expect(await collection.updateOne({ _id: 'b' }, { $set: { cycleId: 'c1' } })).toEqual(writeResult({ matched: 1, modified: 1 }));
        await insertAll(collection, [{ _id: 'f', teamId: 't1', cycleId: 'c2' }]);
        expect(await collection.count({ teamId: 't1' })).toBe(2);
      });

      it('allows duplicates under a non-unique index', async () => {
        const collection = await fresh('nonunique', [{ fields: { teamId: 1 } }]);
        await insertAll(collection, [
          { _id: 'a', teamId: 't1' },
          { _id: 'b', teamId: 't1' },
        ]);
        expect(await collection.count({ teamId: 't1' })).toBe(2);
      });

      it('keeps enforcing the unique index after a restart', async () => {
        const collection = await fresh('uniquerestart', uniqueTeamCycle);
        await insertAll(collection, [{ _id: 'a', teamId: 't1', cycleId: 'c1' }]);
        await restart();
        const reopened = await store.collection({ name: collection.name, indexes: uniqueTeamCycle });
        await expect(reopened.bulkWrite([{ insertOne: { document: { _id: 'b', teamId: 't1', cycleId: 'c1' } } }])).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        expect(await reopened.count()).toBe(1);
      });
    });

    describe('withTransaction', () => {
      it('commits every write made through the session together, across collections', async () => {
        const documents = await fresh('txdocs');
        const checkpoints = await fresh('txcheckpoints');
        await insertAll(documents, [
          { _id: 'keep', v: 1 },
          { _id: 'gone', v: 1 },
        ]);

        const seenOutside: unknown[] = [];
        const result = await store.withTransaction(async (session) => {
          await documents.bulkWrite(
            [
              { insertOne: { document: { _id: 'new', v: 1 } } },
              { updateOne: { filter: { _id: 'keep' }, update: { $inc: { v: 1 } } } },
            ],
            session,
          );
          await documents.deleteMany({ _id: 'gone' }, session);
          await checkpoints.updateOne({ _id: 'projection' }, { $set: { position: 42 } }, { upsert: true, session });
          // Reads outside the session see none of it before the commit.
          seenOutside.push(await documents.findOne({ _id: 'new' }));
          seenOutside.push(await documents.findOne({ _id: 'keep' }));
          seenOutside.push(await documents.count());
          seenOutside.push(await checkpoints.findOne({ _id: 'projection' }));
          return 'done';
        });

        expect(result).toBe('done');
        expect(seenOutside).toEqual([null, { _id: 'keep', v: 1 }, 2, null]);
        expect(await documents.find({}, { sort: byId })).toEqual([
          { _id: 'keep', v: 2 },
          { _id: 'new', v: 1 },
        ]);
        expect(await checkpoints.find({})).toEqual([{ _id: 'projection', position: 42 }]);
      });

      it('lets later writes in the session build on earlier ones', async () => {
        const collection = await fresh('txchain');
        await store.withTransaction(async (session) => {
          await collection.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { upsert: true, session });
          await collection.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { upsert: true, session });
          await collection.bulkWrite([{ updateMany: { filter: { n: 2 }, update: { $set: { seen: true } } } }], session);
        });
        expect(await collection.find({})).toEqual([{ _id: 'c', n: 2, seen: true }]);
      });

      it('rolls back everything written through the session when the work throws', async () => {
        const documents = await fresh('rbdocs');
        const checkpoints = await fresh('rbcheckpoints');
        await insertAll(documents, [{ _id: 'a', v: 1 }]);
        await insertAll(checkpoints, [{ _id: 'projection', position: 1 }]);

        const failure = new Error('projection failed');
        await expect(
          store.withTransaction(async (session) => {
            await documents.updateOne({ _id: 'a' }, { $set: { v: 2 } }, { session });
            await documents.bulkWrite([{ insertOne: { document: { _id: 'b', v: 1 } } }], session);
            await checkpoints.updateOne({ _id: 'projection' }, { $set: { position: 2 } }, { session });
            await checkpoints.deleteMany({ _id: 'projection' }, session);
            throw failure;
          }),
        ).rejects.toBe(failure);

        expect(await documents.find({}, { sort: byId })).toEqual([{ _id: 'a', v: 1 }]);
        expect(await checkpoints.find({})).toEqual([{ _id: 'projection', position: 1 }]);
      });

      it('rolls back earlier writes of the session when a later write violates a unique index', async () => {
        const documents = await fresh('rbunique', [{ fields: { key: 1 }, unique: true }]);
        const checkpoints = await fresh('rbuniquecp');
        await insertAll(documents, [{ _id: 'a', key: 'k1' }]);

        await expect(
          store.withTransaction(async (session) => {
            await checkpoints.updateOne({ _id: 'projection' }, { $set: { position: 7 } }, { upsert: true, session });
            await documents.bulkWrite([{ insertOne: { document: { _id: 'b', key: 'k2' } } }], session);
            await documents.bulkWrite([{ insertOne: { document: { _id: 'c', key: 'k1' } } }], session);
          }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);

        expect(await documents.find({}, { sort: byId })).toEqual([{ _id: 'a', key: 'k1' }]);
        expect(await checkpoints.count()).toBe(0);
      });

      describe('concurrent conflicting updates', () => {
        /** A read-then-write increment: reads the counter through the session, replaces it whole from what it read. */
        const increment = (counters: ReadCollection, who: string, beforeWrite: () => Promise<unknown>, attempts: string[]) =>
          store.withTransaction(async (session) => {
            attempts.push(who);
            const seen = await counters.findOne({ _id: 'c' }, { session });
            if (!seen) throw new Error('the counter is missing');
            await beforeWrite();
            const replacement = { _id: 'c', n: Number(seen['n']) + 1, by: [...(seen['by'] as string[]), who] };
            await counters.bulkWrite([{ replaceOne: { filter: { _id: 'c' }, replacement } }], session);
            return who;
          });

        /** Both applied (one ran again), or one refused with a conflict: never one written over the other. */
        const expectNoLostUpdate = async (counters: ReadCollection, outcomes: PromiseSettledResult<string>[]) => {
          const applied = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
          for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WriteConflictError);
          expect(applied.length).toBeGreaterThan(0);
          const stored = await counters.findOne({ _id: 'c' });
          expect(stored?.['n']).toBe(applied.length);
          expect([...(stored?.['by'] as string[])].sort()).toEqual([...applied].sort());
        };

        it('two transactions read the same document, one commits, then the other writes from its stale read', async () => {
          const counters = await fresh('txrace');
          await insertAll(counters, [{ _id: 'c', n: 0, by: [] }]);
          let read = 0;
          let bothRead!: () => void;
          const bothHaveRead = new Promise<void>((resolve) => (bothRead = resolve));
          const arrive = async () => {
            if (++read === 2) bothRead();
            await bothHaveRead;
          };
          const attempts: string[] = [];
          const first = increment(counters, 'first', arrive, attempts);
          // The second writes only once the first has committed: the read it writes from is stale.
          const second = increment(counters, 'second', () => arrive().then(() => first.catch(() => undefined)), attempts);
          await expectNoLostUpdate(counters, await Promise.allSettled([first, second]));
          // Whichever way the adapter resolved it, the second saw the first's commit before it wrote.
          if (attempts.filter((who) => who === 'second').length === 1) expect(await second.catch((error) => error)).toBeInstanceOf(WriteConflictError);
        });

        it('two transactions read the same document and both write at once', async () => {
          const counters = await fresh('txraceboth');
          await insertAll(counters, [{ _id: 'c', n: 0, by: [] }]);
          let read = 0;
          let bothRead!: () => void;
          const bothHaveRead = new Promise<void>((resolve) => (bothRead = resolve));
          const arrive = async () => {
            if (++read === 2) bothRead();
            await bothHaveRead;
          };
          const attempts: string[] = [];
          const outcomes = await Promise.allSettled([increment(counters, 'a', arrive, attempts), increment(counters, 'b', arrive, attempts)]);
          await expectNoLostUpdate(counters, outcomes);
        });
      });

      it('commits durably: a committed transaction survives a restart, a rolled-back one leaves nothing', async () => {
        const documents = await fresh('txdurable');
        await store.withTransaction(async (session) => {
          await documents.bulkWrite([{ insertOne: { document: { _id: 'committed', v: 1 } } }], session);
        });
        await expect(
          store.withTransaction(async (session) => {
            await documents.bulkWrite([{ insertOne: { document: { _id: 'rolledback', v: 1 } } }], session);
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');

        await restart();
        const reopened = await store.collection({ name: documents.name });
        expect(await reopened.find({})).toEqual([{ _id: 'committed', v: 1 }]);
      });
    });

    describe('durability and collections', () => {
      it('keeps documents across close and reopen', async () => {
        const collection = await fresh('durable');
        await insertAll(collection, objectives);
        await collection.updateOne({ _id: 'o1' }, { $set: { 'meta.level': 9 }, $push: { tags: 'late' } });
        await collection.deleteMany({ _id: 'o5' });

        await restart();
        const reopened = await store.collection({ name: collection.name });
        expect(await reopened.find({}, { sort: byId })).toEqual([
          { ...objectives[0], meta: { kind: 'committed', level: 9 }, tags: ['sales', 'q1', 'late'] },
          ...objectives.slice(1, 4),
        ]);
        expect(await store.listCollections()).toContain(collection.name);
      });

      it('lists created collections, including empty ones, and forgets dropped ones', async () => {
        const empty = await fresh('listempty');
        const full = await fresh('listfull');
        await insertAll(full, [{ _id: 'a' }]);
        expect(await store.listCollections()).toEqual(expect.arrayContaining([empty.name, full.name]));

        await store.dropCollection(full.name);
        expect(await store.listCollections()).not.toContain(full.name);
        expect(await store.listCollections()).toContain(empty.name);
        // A handle opened before the drop reads an empty collection.
        expect(await full.count()).toBe(0);
        expect(await full.find({})).toEqual([]);

        await restart();
        expect(await store.listCollections()).not.toContain(full.name);
        expect(await store.listCollections()).toContain(empty.name);
      });

      it('drops a collection that does not exist without failing', async () => {
        await expect(store.dropCollection(uniqueCollectionName('neverthere'))).resolves.toBeUndefined();
      });

      it('renames a collection over an existing one: the old name then holds the new documents and indexes', async () => {
        const live = await fresh('live');
        const rebuilt = await fresh('rebuilt', [{ fields: { key: 1 }, unique: true }]);
        await insertAll(live, [
          { _id: 'old1', key: 'x', v: 'old' },
          { _id: 'old2', key: 'x', v: 'old' },
        ]);
        await insertAll(rebuilt, [
          { _id: 'new1', key: 'x', v: 'new' },
          { _id: 'new2', key: 'y', v: 'new' },
        ]);

        await store.renameCollection(rebuilt.name, live.name);

        const expected = [
          { _id: 'new1', key: 'x', v: 'new' },
          { _id: 'new2', key: 'y', v: 'new' },
        ];
        // The handle opened before the switch now reads the rebuilt documents.
        expect(await live.find({}, { sort: byId })).toEqual(expected);
        const names = await store.listCollections();
        expect(names).toContain(live.name);
        expect(names).not.toContain(rebuilt.name);
        // The rebuilt collection's unique index came along.
        await expect(live.bulkWrite([{ insertOne: { document: { _id: 'new3', key: 'y' } } }])).rejects.toBeInstanceOf(DuplicateKeyError);

        await restart();
        expect(await (await store.collection({ name: live.name })).find({}, { sort: byId })).toEqual(expected);
        expect(await store.listCollections()).not.toContain(rebuilt.name);
      });

      it('renames a collection to a new name', async () => {
        const source = await fresh('source');
        const target = uniqueCollectionName('target');
        created.push(target);
        await insertAll(source, [{ _id: 'a', v: 1 }]);

        await store.renameCollection(source.name, target);

        expect(await (await store.collection({ name: target })).find({})).toEqual([{ _id: 'a', v: 1 }]);
        const names = await store.listCollections();
        expect(names).toContain(target);
        expect(names).not.toContain(source.name);
      });

      it('refuses to rename a collection that does not exist', async () => {
        const target = await fresh('renametarget');
        await insertAll(target, [{ _id: 'a' }]);
        await expect(store.renameCollection(uniqueCollectionName('missing'), target.name)).rejects.toThrow();
        expect(await target.find({})).toEqual([{ _id: 'a' }]);
      });
    });
  });
}
