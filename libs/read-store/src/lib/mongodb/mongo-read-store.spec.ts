import mongoose from 'mongoose';
import { DuplicateKeyError } from '../errors';
import type { BulkOperation } from '../read-store.port';
import { MongoReadStore, asDuplicateKeyError, readModelSchema, toMongoBulkOperations, toWriteResult } from './mongo-read-store';

/**
 * The pure parts of the MongoDB adapter, which need no server. The adapter's behaviour against
 * MongoDB itself is the contract suite in `mongo-read-store.int.spec.ts` (only with `MONGO_URL`).
 */
describe('MongoReadStore mappings', () => {
  describe('toMongoBulkOperations', () => {
    it('maps every port operation to the MongoDB operation of the same name, in order', () => {
      const operations: BulkOperation[] = [
        { insertOne: { document: { _id: 'o1', title: 'Grow', tags: [] } } },
        { updateOne: { filter: { _id: 'o1' }, update: { $set: { progress: 0.5 } }, upsert: true } },
        { updateOne: { filter: { _id: 'o2' }, update: { $inc: { checkIns: 1 } } } },
        { updateMany: { filter: { teamId: 't1' }, update: { $set: { stale: true } } } },
        { replaceOne: { filter: { _id: 'o3' }, replacement: { _id: 'o3', title: 'Retain' }, upsert: true } },
        { replaceOne: { filter: { _id: 'o4' }, replacement: { _id: 'o4', title: 'Other' } } },
        { deleteOne: { filter: { _id: 'o5' } } },
        { deleteMany: { filter: { teamId: { $in: ['t2', 't3'] } } } },
      ];

      expect(toMongoBulkOperations(operations)).toEqual([
        { insertOne: { document: { _id: 'o1', title: 'Grow', tags: [] } } },
        { updateOne: { filter: { _id: 'o1' }, update: { $set: { progress: 0.5 } }, upsert: true } },
        { updateOne: { filter: { _id: 'o2' }, update: { $inc: { checkIns: 1 } }, upsert: false } },
        { updateMany: { filter: { teamId: 't1' }, update: { $set: { stale: true } } } },
        { replaceOne: { filter: { _id: 'o3' }, replacement: { _id: 'o3', title: 'Retain' }, upsert: true } },
        { replaceOne: { filter: { _id: 'o4' }, replacement: { _id: 'o4', title: 'Other' }, upsert: false } },
        { deleteOne: { filter: { _id: 'o5' } } },
        { deleteMany: { filter: { teamId: { $in: ['t2', 't3'] } } } },
      ]);
    });

    it('copies filters, updates and documents, so casting the copies leaves the caller’s objects alone', () => {
      const filter = { _id: 'o1' };
      const update = { $set: { progress: 1 } };
      const document = { _id: 'o2' };
      const [updateOne, insertOne] = toMongoBulkOperations([
        { updateOne: { filter, update } },
        { insertOne: { document } },
      ]);

      expect(updateOne).toEqual({ updateOne: { filter, update, upsert: false } });
      expect((updateOne as { updateOne: { filter: object } }).updateOne.filter).not.toBe(filter);
      expect((updateOne as { updateOne: { update: object } }).updateOne.update).not.toBe(update);
      expect((insertOne as { insertOne: { document: object } }).insertOne.document).not.toBe(document);
    });

    it('maps an empty list to an empty list', () => {
      expect(toMongoBulkOperations([])).toEqual([]);
    });

    it('rejects an operation the port does not define', () => {
      expect(() => toMongoBulkOperations([{ upsertMany: {} } as unknown as BulkOperation])).toThrow(TypeError);
    });
  });

  describe('toWriteResult', () => {
    it('maps the BulkWriteResult counts to the port’s WriteResult', () => {
      expect(
        toWriteResult({ insertedCount: 1, matchedCount: 2, modifiedCount: 3, deletedCount: 4, upsertedCount: 5 }),
      ).toEqual({ inserted: 1, matched: 2, modified: 3, deleted: 4, upserted: 5 });
    });
  });

  describe('asDuplicateKeyError', () => {
    it('turns a server duplicate key error into DuplicateKeyError with the key', () => {
      const error = new mongoose.mongo.MongoServerError({
        code: 11000,
        errmsg: 'E11000 duplicate key error collection: okr.objectives index: slug_1 dup key: { slug: "grow" }',
        keyValue: { slug: 'grow' },
      });

      const mapped = asDuplicateKeyError('objectives', error);

      expect(mapped).toBeInstanceOf(DuplicateKeyError);
      expect(mapped?.collection).toBe('objectives');
      expect(mapped?.key).toEqual({ slug: 'grow' });
      expect(mapped?.cause).toBe(error);
      expect(mapped?.message).toContain('objectives');
    });

    it('keeps the dup key text of a bulk write error, which carries no keyValue', () => {
      const error = Object.assign(new Error('E11000 duplicate key error'), {
        code: 11000,
        writeErrors: [{ errmsg: 'E11000 duplicate key error collection: okr.objectives index: _id_ dup key: { _id: "o1" }' }],
      });

      expect(asDuplicateKeyError('objectives', error)?.key).toBe('{ _id: "o1" }');
    });

    it('leaves other errors alone', () => {
      expect(asDuplicateKeyError('objectives', new mongoose.mongo.MongoServerError({ code: 112, errmsg: 'WriteConflict' }))).toBeUndefined();
      expect(asDuplicateKeyError('objectives', new Error('boom'))).toBeUndefined();
      expect(asDuplicateKeyError('objectives', 'boom')).toBeUndefined();
    });
  });
});

describe('readModelSchema', () => {
  it('declares the definition’s indexes, unique or not', () => {
    const schema = readModelSchema({
      name: 'objectives',
      indexes: [{ fields: { teamId: 1, cycleId: 1 }, unique: true }, { fields: { progress: -1 } }],
    });
    expect(schema.indexes()).toEqual([
      [{ teamId: 1, cycleId: 1 }, expect.objectContaining({ unique: true })],
      [{ progress: -1 }, expect.objectContaining({ unique: false })],
    ]);
    expect(schema.get('collection')).toBe('objectives');
  });

  it('stores documents as given: unknown fields, nested and empty objects and arrays, no version key', async () => {
    // A connection that is never opened: mongoose builds and serialises documents locally.
    const connection = mongoose.createConnection();
    try {
      const Objective = connection.model('objectives', readModelSchema({ name: 'objectives' }), 'objectives');
      const document = {
        _id: 'o1',
        title: 'Grow',
        progress: 0.2,
        tags: [],
        meta: {},
        nested: { kind: 'committed', levels: [1, 2], deeper: { empty: {} } },
        keyResults: [{ id: 'k1', value: 3 }, { id: 'k2', value: 7 }],
        at: new Date('2025-01-01T00:00:00Z'),
      };
      const stored = new Objective(structuredClone(document));
      await stored.validate();
      expect(stored.toBSON()).toEqual(document);
    } finally {
      await connection.close();
    }
  });
});

describe('MongoReadStore.connect without a server', () => {
  it('rejects when nothing answers at the URL', async () => {
    // Port 9 (discard) on loopback: nothing listens, so server selection fails. This checks the
    // failure path only; everything that needs a server is the contract suite (MONGO_URL).
    await expect(
      MongoReadStore.connect({ url: 'mongodb://127.0.0.1:9/okr', serverSelectionTimeoutMS: 300 }),
    ).rejects.toThrow();
  });
});
