import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from './embedded-read-store';

/** The file's own layout, read with SQLite beside the store (what another process or a later version finds). */
describe('EmbeddedReadStore file layout', () => {
  let dir: string;
  let file: string;
  const raw = () => new Database(file);
  const tableSql = (db: Database.Database, name: string) =>
    db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) as string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-read-schema-'));
    file = join(dir, 'read.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps documents in a rowid table (a WITHOUT ROWID row of kilobytes is split over overflow pages)', async () => {
    const store = EmbeddedReadStore.open({ file });
    await store.close();
    const db = raw();
    expect(tableSql(db, 'read_docs')).not.toMatch(/WITHOUT ROWID/i);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('logs one change entry per collection per commit, naming every document it wrote', async () => {
    const store = EmbeddedReadStore.open({ file });
    const summaries = await store.collection({ name: 'summaries' });
    const series = await store.collection({ name: 'series' });
    const db = raw();
    const entries = () => db.prepare('SELECT collection, id, ids FROM read_changes ORDER BY seq').all() as Array<{ collection: string; id: string | null; ids: string | null }>;
    const before = entries().length;
    await store.withTransaction(async (session) => {
      for (let i = 0; i < 50; i++) await summaries.updateOne({ _id: `o${i}` }, { $set: { n: i } }, { upsert: true, session });
      await summaries.updateOne({ _id: 'o0' }, { $inc: { n: 1 } }, { session });
      await series.updateOne({ _id: 's1' }, { $set: { n: 1 } }, { upsert: true, session });
    });
    const added = entries().slice(before);
    expect(added.map(({ collection, id }) => ({ collection, id }))).toEqual([
      { collection: 'summaries', id: null },
      { collection: 'series', id: null },
    ]);
    expect(JSON.parse(added[0].ids ?? '[]')).toEqual(Array.from({ length: 50 }, (_, i) => `o${i}`));
    expect(JSON.parse(added[1].ids ?? '[]')).toEqual(['s1']);
    db.close();
    await store.close();
  });

  it('migrates a version 1 file when opened: documents kept, other processes still follow its changes', async () => {
    const v1 = raw();
    v1.pragma('journal_mode = WAL');
    v1.exec(`
      CREATE TABLE read_collections (name TEXT PRIMARY KEY, indexes TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE read_docs (collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;
      CREATE TABLE read_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT);
      INSERT INTO read_collections VALUES ('summaries', '[{"fields":{"teamId":1}}]');
      INSERT INTO read_docs VALUES ('summaries', 'o1', '{"_id":"o1","teamId":"growth","n":1}');
      INSERT INTO read_docs VALUES ('summaries', 'o2', '{"_id":"o2","teamId":"platform","n":2}');
      INSERT INTO read_changes (collection, id) VALUES ('summaries', NULL), ('summaries', 'o1'), ('summaries', 'o2');
    `);
    v1.pragma('user_version = 1');
    v1.close();

    const first = EmbeddedReadStore.open({ file });
    const second = EmbeddedReadStore.open({ file });
    const a = await first.collection({ name: 'summaries', indexes: [{ fields: { teamId: 1 } }] });
    const b = await second.collection({ name: 'summaries', indexes: [{ fields: { teamId: 1 } }] });
    expect(await a.find({ teamId: 'growth' })).toEqual([{ _id: 'o1', teamId: 'growth', n: 1 }]);
    await a.updateOne({ _id: 'o2' }, { $set: { teamId: 'growth' } });
    expect((await b.find({ teamId: 'growth' })).map((doc) => doc._id).sort()).toEqual(['o1', 'o2']);
    await first.close();
    await second.close();

    const db = raw();
    expect(tableSql(db, 'read_docs')).not.toMatch(/WITHOUT ROWID/i);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
    const reopened = EmbeddedReadStore.open({ file });
    const summaries = await reopened.collection({ name: 'summaries' });
    expect(await summaries.count()).toBe(2);
    await reopened.close();
  });

  it('refuses a file of an unknown version', async () => {
    const db = raw();
    db.pragma('user_version = 99');
    db.close();
    expect(() => EmbeddedReadStore.open({ file })).toThrow(/Unsupported read store schema version 99/);
  });
});
