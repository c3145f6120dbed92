import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionDefinition, ReadDocument } from '../read-store.port';
import { EmbeddedReadStore } from './embedded-read-store';

const SUMMARIES: CollectionDefinition = { name: 'summaries', indexes: [{ fields: { teamId: 1 } }, { fields: { slug: 1 }, unique: true }] };
const APPLIED: CollectionDefinition = { name: '_applied' };
const DOCUMENTS = 5_000;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Everything a store answers, collection by collection, sorted: what two stores on one file must agree on. */
async function contents(store: EmbeddedReadStore): Promise<Record<string, ReadDocument[]>> {
  const out: Record<string, ReadDocument[]> = {};
  for (const name of await store.listCollections()) out[name] = await (await store.collection({ name })).find({}, { sort: { _id: 1 } });
  return out;
}

/**
 * A service opens its embedded read store with `loadInBackground`: `open` returns before the documents
 * are parsed and indexed, the event loop turns between slices of the load, every operation waits for it,
 * and what other processes commit meanwhile is there once it ends.
 */
describe.each([
  ['every document cached', undefined],
  ['no document cached', 0],
])('EmbeddedReadStore loading in the background, %s', (_, cacheBytes) => {
  let dir: string;
  let file: string;
  let stores: EmbeddedReadStore[];
  const open = (options: { loadInBackground?: boolean; keepChanges?: number } = {}): EmbeddedReadStore => {
    const store = EmbeddedReadStore.open({ file, cacheBytes, ...options, ...(options.loadInBackground ? { loadSliceMs: 0 } : {}) });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'okr-read-background-'));
    file = join(dir, 'read.db');
    stores = [];
    const writer = open();
    const summaries = await writer.collection(SUMMARIES);
    const applied = await writer.collection(APPLIED);
    const batch = (from: number, to: number) => Array.from({ length: to - from }, (__, i) => from + i);
    for (let from = 0; from < DOCUMENTS; from += 500) {
      await summaries.bulkWrite(batch(from, from + 500).map((i) => ({ insertOne: { document: { _id: `o${String(i).padStart(5, '0')}`, teamId: `team-${i % 50}`, slug: `slug-${i}`, progress: i / DOCUMENTS } } })));
      await applied.bulkWrite(batch(from, from + 500).map((i) => ({ insertOne: { document: { _id: `m|s${i}`, revision: i } } })));
    }
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns before the documents are loaded, turns the event loop while it loads, and answers every read as a store loaded at open does', async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      const store = open({ loadInBackground: true });
      expect(store.loadingProgress()).toBe(0);
      // Asked before the load ends: answered after it, in full.
      const byTeam = (await store.collection(SUMMARIES)).find({ teamId: 'team-7' });
      const one = (await store.collection(SUMMARIES)).findOne({ slug: 'slug-4321' });
      expect(await one).toEqual({ _id: 'o04321', teamId: 'team-21', slug: 'slug-4321', progress: 4321 / DOCUMENTS });
      expect((await byTeam).length).toBe(DOCUMENTS / 50);
      expect(store.loadingProgress()).toBeUndefined();
      // 10,000 rows, 1,000 per slice: the timer ran between slices.
      expect(turns).toBeGreaterThanOrEqual(5);
      expect(await contents(store)).toEqual(await contents(open()));
    } finally {
      clearInterval(ticker);
    }
  });

  it("has what another process committed while it loaded: updates of rows it had read, deletions, new documents, unique keys, collections made and dropped", async () => {
    const store = open({ loadInBackground: true });
    const other = open();
    // The load is past its first slice (rows it read are then changed) and not done.
    while ((store.loadingProgress() ?? 1) === 0) await turn();
    expect(store.loadingProgress()).toBeLessThan(1);
    const summaries = await other.collection(SUMMARIES);
    await summaries.updateOne({ _id: 'o00001' }, { $set: { teamId: 'team-moved', slug: 'slug-moved' } });
    await summaries.deleteMany({ _id: 'o00002' });
    await summaries.bulkWrite([{ insertOne: { document: { _id: 'new', teamId: 'team-7', slug: 'slug-1' } } }]);
    await summaries.updateOne({ _id: 'o04999' }, { $set: { progress: -1 } });
    await (await other.collection({ name: 'made-meanwhile', indexes: [{ fields: { k: 1 } }] })).updateOne({ _id: 'x' }, { $set: { k: 1 } }, { upsert: true });
    await other.dropCollection('_applied');

    const loaded = await store.collection(SUMMARIES);
    expect(store.loadingProgress()).toBeUndefined();
    expect(await loaded.findOne({ _id: 'o00001' })).toEqual({ _id: 'o00001', teamId: 'team-moved', slug: 'slug-moved', progress: 1 / DOCUMENTS });
    expect(await loaded.find({ teamId: 'team-1' })).not.toContainEqual(expect.objectContaining({ _id: 'o00001' }));
    expect(await loaded.findOne({ slug: 'slug-1' })).toEqual({ _id: 'new', teamId: 'team-7', slug: 'slug-1' });
    expect(await loaded.findOne({ _id: 'o00002' })).toBeNull();
    expect((await loaded.findOne({ _id: 'o04999' }))?.['progress']).toBe(-1);
    // The unique index knows who holds each key: a key freed meanwhile is free, one taken is taken.
    await loaded.bulkWrite([{ insertOne: { document: { _id: 'again', slug: 'slug-2' } } }]);
    await expect(loaded.bulkWrite([{ insertOne: { document: { _id: 'dup', slug: 'slug-moved' } } }])).rejects.toThrow(/duplicate/i);
    expect(await store.listCollections()).toEqual(['made-meanwhile', 'summaries']);
    expect(await contents(store)).toEqual(await contents(open()));
  });

  it('reloads everything when the change log was pruned past where the load started', async () => {
    const store = open({ loadInBackground: true, keepChanges: 2 });
    const other = open({ keepChanges: 2 });
    while ((store.loadingProgress() ?? 1) === 0) await turn();
    const summaries = await other.collection(SUMMARIES);
    for (let i = 0; i < 5; i++) await summaries.updateOne({ _id: `o0000${i}` }, { $set: { progress: 10 + i } });
    expect(await contents(store)).toEqual(await contents(open()));
    expect((await (await store.collection(SUMMARIES)).findOne({ _id: 'o00004' }))?.['progress']).toBe(14);
  });

  it('a load that fails leaves every operation failing with its error, never answering from the documents that did load', async () => {
    const raw = new Database(file);
    raw.prepare("UPDATE read_docs SET doc = '{not json' WHERE collection = 'summaries' AND id = 'o04999'").run();
    raw.close();
    const store = open({ loadInBackground: true });
    await expect(store.loaded()).rejects.toThrow(SyntaxError);
    await expect(store.collection(SUMMARIES)).rejects.toThrow(SyntaxError);
    await expect(store.listCollections()).rejects.toThrow(SyntaxError);
    await expect(store.withTransaction(async () => 'ran')).rejects.toThrow(SyntaxError);
  });

  it('closed while it loads: the load stops, and what waited for it fails as on a closed store', async () => {
    const store = open({ loadInBackground: true });
    const waiting = store.listCollections();
    await store.close();
    await store.loaded();
    await expect(waiting).rejects.toThrow('The read store is closed');
  });
});
