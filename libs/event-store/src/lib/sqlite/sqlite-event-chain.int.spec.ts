import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { collect, newEvent, uniqueStream } from '../../testing/event-store.contract';
import { chainHash, chainedContent, verifyChain } from '../event-chain';
import { SqliteEventStore } from './sqlite-event-store';
import { SQLITE_SCHEMA_VERSION } from './sqlite-schema';

/** The table as schema 1 wrote it, before the event chain existed. */
const SCHEMA_1 = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL,
  metadata TEXT NOT NULL, occurred_at INTEGER NOT NULL, category TEXT NOT NULL, UNIQUE (stream_id, revision)
);`;

describe('SqliteEventStore event chain', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-event-chain-'));
    file = join(dir, 'events.db');
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = (streamId: string) => verifyChain(streamId, (store as SqliteEventStore).readStream(streamId));

  /** Changes a stored row behind the store's back, as someone with the file could. */
  const tamper = (sql: string, ...parameters: unknown[]): void => {
    const raw = new Database(file);
    try {
      expect(raw.prepare(sql).run(...parameters).changes).toBe(1);
    } finally {
      raw.close();
    }
  };

  const streamWithEvents = async (count: number): Promise<string> => {
    store = SqliteEventStore.open({ file });
    const streamId = uniqueStream('objective');
    for (let index = 0; index < count; index += 1) {
      await store.append(streamId, [newEvent('Counted', { index, title: `step ${index}` })], index === 0 ? 'no_stream' : index - 1);
    }
    return streamId;
  };

  it('reports a row whose data was changed in the file as the first broken link', async () => {
    const streamId = await streamWithEvents(4);
    expect(await verify(streamId)).toMatchObject({ intact: true, events: 4 });

    tamper(`UPDATE events SET data = json_set(data, '$.title', 'rewritten') WHERE stream_id = ? AND revision = 2`, streamId);

    const report = await verify(streamId);
    expect(report).toMatchObject({ intact: false, firstBrokenLink: { revision: 2, reason: 'hash-mismatch' } });
    const stored = await collect((store as SqliteEventStore).readStream(streamId));
    expect(report.firstBrokenLink?.actual).toBe(stored[2].hash);
    expect(report.headHash).toBe(stored[1].hash);
  });

  it('reports the next event when the changed row had its own hash recomputed', async () => {
    const streamId = await streamWithEvents(3);
    const [first, second] = await collect((store as SqliteEventStore).readStream(streamId));
    const forged = { ...second, data: { index: 1, title: 'rewritten' } };
    const forgedHash = chainHash(first.hash, 1, chainedContent(forged));
    tamper(`UPDATE events SET data = ?, hash = ? WHERE id = ?`, JSON.stringify(forged.data), forgedHash, second.id);

    expect(await verify(streamId)).toMatchObject({ intact: false, firstBrokenLink: { revision: 2, reason: 'hash-mismatch' } });
  });

  it('reports a removed row as a revision gap, and a stripped hash as missing', async () => {
    const gap = await streamWithEvents(3);
    tamper(`DELETE FROM events WHERE stream_id = ? AND revision = 1`, gap);
    expect(await verify(gap)).toMatchObject({ intact: false, firstBrokenLink: { revision: 2, reason: 'revision-gap' } });

    const stripped = uniqueStream('objective');
    await (store as SqliteEventStore).append(stripped, [newEvent(), newEvent()], 'no_stream');
    tamper(`UPDATE events SET hash = NULL WHERE stream_id = ? AND revision = 1`, stripped);
    expect(await verify(stripped)).toMatchObject({ intact: false, firstBrokenLink: { revision: 1, reason: 'missing-hash' } });
  });

  it('migrates a schema-1 file: old events stay unchained, new ones chain after them', async () => {
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.exec(SCHEMA_1);
    const streamId = uniqueStream('objective');
    const insert = raw.prepare(
      `INSERT INTO events (id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category) VALUES (?, ?, ?, ?, 1, ?, ?, ?, 'objective')`,
    );
    for (const revision of [0, 1]) {
      const event = newEvent('Legacy', { revision });
      insert.run(event.id, streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), Date.now());
    }
    raw.pragma('user_version = 1');
    raw.close();

    store = SqliteEventStore.open({ file });
    await store.append(streamId, [newEvent('AfterUpgrade')], 1);
    const events = await collect(store.readStream(streamId));
    expect(events.map((event) => event.hash === undefined)).toEqual([true, true, false]);
    expect(events[2].hash).toBe(chainHash(undefined, 2, chainedContent(events[2])));
    expect(await verify(streamId)).toEqual({ streamId, events: 3, intact: true, unchainedBefore: 2, headHash: events[2].hash });

    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    check.close();
  });
});
