import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateKeyError } from '../errors';
import type { CollectionDefinition } from '../read-store.port';
import { EmbeddedReadStore } from './embedded-read-store';

/**
 * Two stores on one file, as `npm start`'s services or two replicas on one data folder: each is its
 * own SQLite connection with its own copy in memory, exactly what two processes have (SQLite's locks
 * and `data_version` are per connection).
 */
describe.each([
  ['every document cached', undefined],
  // The other process's commits then replace versions whose documents are not in memory (document-table.ts).
  ['no document cached', 0],
])('EmbeddedReadStore shared by several processes on one file, %s', (_, cacheBytes) => {
  let dir: string;
  let first: EmbeddedReadStore;
  let second: EmbeddedReadStore;
  const open = (keepChanges?: number) => EmbeddedReadStore.open({ file: join(dir, 'read.db'), keepChanges, cacheBytes });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-read-shared-'));
    first = open();
    second = open();
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("each answers the other's writes, deletes and index lookups", async () => {
    const a = await first.collection({ name: 'summaries', indexes: [{ fields: { teamId: 1 } }] });
    await a.updateOne({ _id: 'o1' }, { $set: { teamId: 'growth', progress: 0.2 } }, { upsert: true });
    const b = await second.collection({ name: 'summaries', indexes: [{ fields: { teamId: 1 } }] });
    expect(await b.find({ teamId: 'growth' })).toEqual([{ _id: 'o1', teamId: 'growth', progress: 0.2 }]);

    await b.updateOne({ _id: 'o1' }, { $set: { teamId: 'platform' } });
    await b.updateOne({ _id: 'o2' }, { $set: { teamId: 'growth' } }, { upsert: true });
    expect(await a.find({ teamId: 'growth' })).toEqual([{ _id: 'o2', teamId: 'growth' }]);
    expect(await a.findOne({ _id: 'o1' })).toEqual({ _id: 'o1', teamId: 'platform', progress: 0.2 });

    await a.deleteMany({ teamId: 'growth' });
    expect(await b.count()).toBe(1);
    expect(await b.find({ teamId: 'growth' })).toEqual([]);
  });

  it('a transaction that read what another process changed meanwhile runs again: no update is lost', async () => {
    const a = await first.collection({ name: 'counters' });
    const b = await second.collection({ name: 'counters' });
    await a.updateOne({ _id: 'c' }, { $set: { n: 0 } }, { upsert: true });
    let attempts = 0;
    await first.withTransaction(async (session) => {
      attempts += 1;
      const current = await a.findOne({ _id: 'c' }, { session });
      // The other process commits its own read-then-write in between.
      if (attempts === 1) {
        await second.withTransaction(async (other) => {
          const seen = await b.findOne({ _id: 'c' }, { session: other });
          await b.updateOne({ _id: 'c' }, { $set: { n: Number(seen?.['n']) + 1 } }, { session: other });
        });
      }
      await a.updateOne({ _id: 'c' }, { $set: { n: Number(current?.['n']) + 10 } }, { session });
    });
    expect(attempts).toBe(2);
    expect(await b.findOne({ _id: 'c' })).toEqual({ _id: 'c', n: 11 });
    expect(await a.findOne({ _id: 'c' })).toEqual({ _id: 'c', n: 11 });
  });

  it("a unique index holds across processes: a key the other took is a duplicate", async () => {
    const a = await first.collection({ name: 'slugs', indexes: [{ fields: { slug: 1 }, unique: true }] });
    const b = await second.collection({ name: 'slugs', indexes: [{ fields: { slug: 1 }, unique: true }] });
    await a.bulkWrite([{ insertOne: { document: { _id: 'x', slug: 'growth' } } }]);
    await expect(b.bulkWrite([{ insertOne: { document: { _id: 'y', slug: 'growth' } } }])).rejects.toBeInstanceOf(DuplicateKeyError);
    await a.updateOne({ _id: 'x' }, { $set: { slug: 'platform' } });
    await b.bulkWrite([{ insertOne: { document: { _id: 'y', slug: 'growth' } } }]);
    expect(await a.find({}, { sort: { slug: 1 } })).toEqual([
      { _id: 'y', slug: 'growth' },
      { _id: 'x', slug: 'platform' },
    ]);
  });

  it('a unique key the other process moved away is free, the key it moved to is taken', async () => {
    const definition: CollectionDefinition = { name: 'people', indexes: [{ fields: { email: 1 }, unique: true }, { fields: { teamId: 1 } }] };
    const a = await first.collection(definition);
    const b = await second.collection(definition);
    await a.updateOne({ _id: 'u1' }, { $set: { email: 'old@x', teamId: 'growth' } }, { upsert: true });
    expect(await b.findOne({ email: 'old@x' })).toEqual({ _id: 'u1', email: 'old@x', teamId: 'growth' });
    await a.updateOne({ _id: 'u1' }, { $set: { email: 'new@x', teamId: 'platform' } });

    expect(await b.find({ teamId: 'growth' })).toEqual([]);
    expect(await b.find({ email: 'old@x' })).toEqual([]);
    await b.updateOne({ _id: 'u2' }, { $set: { email: 'old@x' } }, { upsert: true });
    await expect(b.updateOne({ _id: 'u3' }, { $set: { email: 'new@x' } }, { upsert: true })).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(a.updateOne({ _id: 'u4' }, { $set: { email: 'old@x' } }, { upsert: true })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect((await a.find({}, { sort: { _id: 1 } })).map((doc) => doc['email'])).toEqual(['new@x', 'old@x']);
  });

  it("sees the other's collections created, switched by a rebuild's rename, and dropped", async () => {
    const live = await first.collection({ name: 'feed' });
    await live.updateOne({ _id: 'old' }, { $set: { v: 1 } }, { upsert: true });
    const shadow = await second.collection({ name: 'feed.rebuild' });
    await shadow.updateOne({ _id: 'new' }, { $set: { v: 2 } }, { upsert: true });
    expect(await first.listCollections()).toEqual(['feed', 'feed.rebuild']);

    await second.renameCollection('feed.rebuild', 'feed');
    expect(await live.find()).toEqual([{ _id: 'new', v: 2 }]);
    expect(await first.listCollections()).toEqual(['feed']);

    await first.dropCollection('feed');
    expect(await second.listCollections()).toEqual([]);
    expect(await (await second.collection({ name: 'feed' })).count()).toBe(0);
  });

  it('a process further behind than the kept change log reloads everything', async () => {
    await first.close();
    await second.close();
    first = open(2);
    second = open(2);
    const a = await first.collection({ name: 'many' });
    const b = await second.collection({ name: 'many' });
    expect(await b.count()).toBe(0);
    // Enough commits for the log to be pruned past what the second process last applied.
    for (let i = 0; i < 1_005; i++) await a.updateOne({ _id: `d${i % 7}` }, { $inc: { n: 1 } }, { upsert: true });
    expect(await b.count()).toBe(7);
    expect((await b.find({}, { sort: { _id: 1 } })).map((document) => document['n'])).toEqual([144, 144, 144, 144, 143, 143, 143]);
  });
});
