import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { collect, newEvent, uniqueCategory, uniqueStream } from '../../testing/event-store.contract';
import { EventIdConflictError } from '../event-store.port';
import { chainHash, chainedContent, verifyChain } from '../event-chain';
import { SqliteEventStore } from './sqlite-event-store';
import { SQLITE_SCHEMA_VERSION } from './sqlite-schema';

/** The table and indexes as schema 2 wrote them: AUTOINCREMENT, and an index on (stream_id, occurred_at). */
const SCHEMA_2 = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL,
  metadata TEXT NOT NULL, occurred_at INTEGER NOT NULL, category TEXT NOT NULL, hash TEXT, UNIQUE (stream_id, revision)
);
CREATE INDEX events_category_position ON events (category, position);
CREATE INDEX events_stream_occurred_at ON events (stream_id, occurred_at);`;

/** Another OS process opening the file through the real adapter (see the child script). */
const CHILD = join(__dirname, '..', '..', '..', 'test', 'sqlite-writer.child.cjs');

describe('SqliteEventStore schema migration', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-event-schema-'));
    file = join(dir, 'events.db');
  });

  let child: ChildProcess | undefined;

  afterEach(async () => {
    child?.kill();
    child = undefined;
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A schema-2 file with chained events in two streams, and a gap in positions (the second stream's start at 13). */
  const schema2File = (category: string): { first: string; second: string; positions: number[] } => {
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.exec(SCHEMA_2);
    const insert = raw.prepare(
      `INSERT INTO events (position, id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category, hash)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    );
    const first = uniqueStream(category);
    const second = uniqueStream(category);
    const rows: [number, string, string][] = [
      [1, first, 'Drafted'],
      [2, first, 'Renamed'],
      [13, second, 'Drafted'],
    ];
    const heads = new Map<string, { revision: number; hash: string }>();
    for (const [position, streamId, type] of rows) {
      const event = newEvent(type, { position });
      const head = heads.get(streamId);
      const revision = head === undefined ? 0 : head.revision + 1;
      const hash = chainHash(head?.hash, revision, chainedContent({ ...event, streamId, schemaVersion: 1 }));
      const { occurredAt } = event.metadata;
      insert.run(position, event.id, streamId, revision, type, JSON.stringify(event.data), JSON.stringify(event.metadata), Date.parse(occurredAt), category, hash);
      heads.set(streamId, { revision, hash });
    }
    raw.pragma('user_version = 2');
    raw.close();
    return { first, second, positions: rows.map(([position]) => position) };
  };

  const tableSql = (): { table: string; indexes: string[]; version: number } => {
    const check = new Database(file, { readonly: true });
    try {
      const table = check.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'`).pluck().get() as string;
      const indexes = check.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL`).pluck().all() as string[];
      return { table, indexes, version: check.pragma('user_version', { simple: true }) as number };
    } finally {
      check.close();
    }
  };

  it('copies a schema-2 log into schema 3 keeping every event at its position, and appends after the highest', async () => {
    const category = uniqueCategory();
    const { first, second, positions } = schema2File(category);
    expect(tableSql().table).toMatch(/AUTOINCREMENT/);

    store = SqliteEventStore.open({ file });
    const after = tableSql();
    expect(after.version).toBe(SQLITE_SCHEMA_VERSION);
    expect(after.table).not.toMatch(/AUTOINCREMENT/);
    expect(after.indexes).toEqual(['events_category_position']);

    const log = await collect(store.readAll());
    expect(log.map((event) => event.position)).toEqual(positions);
    expect(await verifyChain(first, store.readStream(first))).toMatchObject({ intact: true, events: 2 });
    expect((await collect(store.readStream(first))).map((event) => event.type)).toEqual(['Drafted', 'Renamed']);

    const next = await store.append(first, [newEvent('Graded')], 1);
    expect(next.position).toBe(Math.max(...positions) + 1);
    const byCategory = await collect(store.readAll({ categories: [category] }));
    expect(byCategory.map((event) => event.streamId)).toEqual([first, first, second, first]);
    expect(await verifyChain(first, store.readStream(first))).toMatchObject({ intact: true, events: 3 });
  });

  it('still refuses a second event with a stored id and a second event at a stored revision after migrating', async () => {
    const { first, second } = schema2File(uniqueCategory());
    store = SqliteEventStore.open({ file });
    const [stored] = await collect(store.readStream(second));
    await expect(store.append(first, [{ ...newEvent(), id: stored.id }], 1)).rejects.toBeInstanceOf(EventIdConflictError);

    const raw = new Database(file);
    try {
      expect(() =>
        raw
          .prepare(`INSERT INTO events (id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category) VALUES ('x', ?, 0, 'T', 1, '{}', '{}', 0, 'c')`)
          .run(first),
      ).toThrow(/UNIQUE constraint failed: events.stream_id, events.revision/);
    } finally {
      raw.close();
    }
  });

  it('runs every query of the adapter through an index, never a scan of the log', () => {
    store = SqliteEventStore.open({ file });
    const check = new Database(file, { readonly: true });
    const plan = (sql: string): string =>
      (check.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
    try {
      // The adapter's statements, by shape: stream head and reads (as-of too), id lookup, category and global pages.
      expect(plan(`SELECT revision, hash FROM events WHERE stream_id = 's' ORDER BY revision DESC LIMIT 1`)).toMatch(/USING INDEX sqlite_autoindex_events_\d \(stream_id=\?\)/);
      expect(plan(`SELECT * FROM events WHERE stream_id = 's' AND revision >= 0 AND occurred_at <= 5 ORDER BY revision LIMIT 10`)).toMatch(
        /USING INDEX sqlite_autoindex_events_\d \(stream_id=\? AND revision>\?\)/,
      );
      expect(plan(`SELECT stream_id, revision, position FROM events WHERE id = 'x'`)).toMatch(/USING INDEX sqlite_autoindex_events_\d \(id=\?\)/);
      expect(plan(`SELECT * FROM events WHERE category = 'c' AND position > 3 ORDER BY position LIMIT 10`)).toMatch(/USING INDEX events_category_position/);
      expect(plan(`SELECT * FROM events WHERE position > 3 ORDER BY position LIMIT 10`)).toMatch(/USING INTEGER PRIMARY KEY/);
    } finally {
      check.close();
    }
  });
  it('makes a process opening the file while another holds the write lock (migrating it) wait, not fail after its busy timeout', async () => {
    schema2File(uniqueCategory());
    // Stands for a process copying a large log: it holds the write lock until the other one is waiting.
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    let stderr = '';
    child = fork(CHILD, ['open', file, '50'], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const messages: unknown[] = [];
    const exit = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    child.on('message', (message) => messages.push(message));
    await new Promise<void>((resolve) => child?.once('message', () => resolve()));
    // The child is opening with a 50 ms busy timeout; keep the lock well past it before letting go.
    await new Promise((resolve) => setTimeout(resolve, 500));
    holder.exec('COMMIT');
    holder.close();

    expect({ code: await exit, stderr }).toEqual({ code: 0, stderr: '' });
    expect(messages).toEqual(['opening', { head: 13 }]);
    expect(tableSql().version).toBe(SQLITE_SCHEMA_VERSION);
  });
});
