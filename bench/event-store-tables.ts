/**
 * The raw better-sqlite3 sides of the event-store benchmark: the same append (an immediate transaction
 * that checks the stream's expected revision, then inserts each event serialised to JSON) on tables
 * that differ by one thing each, so that a ratio between two of them is the cost of that thing.
 *
 * `minimal` is the least an event log with optimistic concurrency needs: stream id, revision, type,
 * data and metadata, primary key (stream id, revision) only; its rowid serves as a global position.
 */
import Database from 'better-sqlite3';
import type { NewEvent } from '../libs/event-store/src/lib/event-store.port';
import { SQLITE_SCHEMA, configureSqliteConnection, type SqliteSynchronous } from '../libs/event-store/src/lib/sqlite/sqlite-schema';

export type Expected = number | 'no_stream';
export type Appender = (streamId: string, events: readonly NewEvent[], expected: Expected) => number;

export interface RawTable {
  /** Row label in the report. */
  label: string;
  schema: string;
  /** Whether rows carry the adapter's columns (id, schema_version, occurred_at, category, hash). */
  adapterColumns: boolean;
}

const MINIMAL_TABLE = `CREATE TABLE events (
  stream_id TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
  PRIMARY KEY (stream_id, revision)
);`;

/** The adapter's columns with no index but the (stream_id, revision) key; `extra` adds one thing. */
const withColumns = (extra: { autoincrement?: boolean; uniqueId?: boolean; index?: string } = {}): string => `CREATE TABLE events (
  position INTEGER PRIMARY KEY${extra.autoincrement ? ' AUTOINCREMENT' : ''}, id TEXT NOT NULL${extra.uniqueId ? ' UNIQUE' : ''},
  stream_id TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL,
  data TEXT NOT NULL, metadata TEXT NOT NULL, occurred_at INTEGER NOT NULL, category TEXT NOT NULL, hash TEXT,
  UNIQUE (stream_id, revision)
);${extra.index ? `\nCREATE INDEX extra ON events ${extra.index};` : ''}`;

/** Schema 2 as it shipped: every index at once. */
const SCHEMA_2 = `${withColumns({ autoincrement: true, uniqueId: true })}
CREATE INDEX events_category_position ON events (category, position);
CREATE INDEX events_stream_occurred_at ON events (stream_id, occurred_at);`;

export const RAW_TABLES = {
  minimal: { label: 'minimal table (primary key only)', schema: MINIMAL_TABLE, adapterColumns: false },
  columns: { label: "+ the adapter's columns, no index", schema: withColumns(), adapterColumns: true },
  uniqueId: { label: '  + UNIQUE (id)', schema: withColumns({ uniqueId: true }), adapterColumns: true },
  autoincrement: { label: '  + AUTOINCREMENT', schema: withColumns({ autoincrement: true }), adapterColumns: true },
  category: { label: '  + INDEX (category, position)', schema: withColumns({ index: '(category, position)' }), adapterColumns: true },
  streamOccurredAt: { label: '  + INDEX (stream_id, occurred_at)', schema: withColumns({ index: '(stream_id, occurred_at)' }), adapterColumns: true },
  schema2: { label: 'schema 2 as shipped (all of the above)', schema: SCHEMA_2, adapterColumns: true },
  schema3: { label: 'schema 3 (now): UNIQUE (id), (category, position)', schema: SQLITE_SCHEMA, adapterColumns: true },
} satisfies Record<string, RawTable>;

export type RawTableName = keyof typeof RAW_TABLES;

/** A stand-in for the adapter's chain hash: same length, not computed (the adapter's ratio shows that cost). */
const HASH = 'f'.repeat(64);

/** Opens `file` with `table`'s schema and the adapter's pragmas; returns its appender and a closer. */
export function openRawTable(file: string, table: RawTable, synchronous: SqliteSynchronous): { append: Appender; close: () => void } {
  const db = new Database(file, { timeout: 5000 });
  configureSqliteConnection(db, synchronous);
  db.exec(table.schema);
  const head = db.prepare<[string], number | null>('SELECT max(revision) FROM events WHERE stream_id = ?').pluck();
  const insert = table.adapterColumns
    ? db.prepare(`INSERT INTO events (id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category, hash)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    : db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
  const transaction = db.transaction((streamId: string, events: readonly NewEvent[], expected: Expected): number => {
    const current = head.get(streamId) ?? null;
    if ((current ?? 'no_stream') !== expected) throw new Error(`conflict on ${streamId}`);
    let revision = current ?? -1;
    const category = streamId.slice(0, streamId.indexOf('-'));
    for (const event of events) {
      revision += 1;
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata);
      if (table.adapterColumns) {
        insert.run(event.id, streamId, revision, event.type, 1, data, metadata, Date.parse(event.metadata.occurredAt), category, HASH);
      } else {
        insert.run(streamId, revision, event.type, data, metadata);
      }
    }
    return revision;
  });
  return { append: (streamId, events, expected) => transaction.immediate(streamId, events, expected), close: () => db.close() };
}
