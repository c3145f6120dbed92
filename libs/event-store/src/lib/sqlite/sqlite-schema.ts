/** Version of the schema below, kept in `PRAGMA user_version`. Bump it with a migration step. */
export const SQLITE_SCHEMA_VERSION = 3;

/**
 * One table, the global log, with only the indexes a query of the adapter needs (`bench/event-store`
 * measures each one's cost on appends):
 *
 * - `position` is the rowid: appends run one at a time under SQLite's write lock, and a new rowid is
 *   the largest committed one plus one, so positions are handed out in commit order and a reader that
 *   sees position N has seen every committed position below N. Nothing ever deletes an event, so a
 *   position is never reused without AUTOINCREMENT (whose bookkeeping row is one more write per
 *   append); an append that rolls back frees positions no reader could have seen. Readers page with
 *   `position > ?` and never assume there are no gaps.
 * - UNIQUE (stream_id, revision): the stream head and stream reads (as-of reads filter `occurred_at`
 *   along it, within the one stream they read anyway), and no revision twice.
 * - UNIQUE (id): an event id is stored once in the whole log (retries and id conflicts).
 * - (category, position): subscriptions and reads by category (the embedded bus, relays).
 *
 * `occurred_at` is `metadata.occurredAt` as epoch milliseconds, so as-of reads compare numbers rather
 * than ISO strings of varying precision. `category` is the stream id's prefix before the first '-'.
 * `hash` chains the event to the previous one of its stream (see `event-chain.ts`); NULL on events
 * written by schema 1, before the chain existed.
 */
const eventsTable = (name: string): string => `
CREATE TABLE IF NOT EXISTS ${name} (
  position       INTEGER PRIMARY KEY,
  id             TEXT    NOT NULL UNIQUE,
  stream_id      TEXT    NOT NULL,
  revision       INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  occurred_at    INTEGER NOT NULL,
  category       TEXT    NOT NULL,
  hash           TEXT,
  UNIQUE (stream_id, revision)
);`;

const CATEGORY_INDEX = 'CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);';

export const SQLITE_SCHEMA = `${eventsTable('events')}
${CATEGORY_INDEX}
`;

const EVENT_COLUMNS = 'position, id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category, hash';

/** Migration steps: `MIGRATIONS[v]` takes a file from schema `v` to `v + 1`, inside one transaction. */
export const SQLITE_MIGRATIONS: Readonly<Record<number, string>> = {
  1: 'ALTER TABLE events ADD COLUMN hash TEXT;',
  // Schema 3 drops AUTOINCREMENT and the (stream_id, occurred_at) index no query used. SQLite cannot
  // alter a primary key, so the table is copied once, positions kept as they are.
  2: `${eventsTable('events_schema_3')}
INSERT INTO events_schema_3 (${EVENT_COLUMNS}) SELECT ${EVENT_COLUMNS} FROM events ORDER BY position;
DROP TABLE events;
ALTER TABLE events_schema_3 RENAME TO events;
${CATEGORY_INDEX}`,
};

/** Columns an envelope is built from, in this order (see `toEnvelope`). */
export const ENVELOPE_COLUMNS = 'position, id, stream_id, revision, type, schema_version, data, metadata, hash';

/** Parameters per inserted event: the columns of `insertEvents`, in this order. */
export const INSERT_COLUMNS = 10;

/** Most events one INSERT statement takes (INSERT_COLUMNS x INSERT_ROWS stays far below SQLite's 32,766 parameters). */
export const INSERT_ROWS = 32;

/** An INSERT of `rows` events at once. */
export const insertEvents = (rows: number): string =>
  `INSERT INTO events (id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category, hash) VALUES ${Array.from(
    { length: rows },
    () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).join(', ')}`;

export const INSERT_EVENT = insertEvents(1);

export const CURRENT_REVISION = 'SELECT max(revision) FROM events WHERE stream_id = ?';

/** The last event of a stream: its revision and hash (the link the next event chains to). */
export const STREAM_HEAD = 'SELECT revision, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1';

/** The SQLite `synchronous` levels the store accepts in WAL mode. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/** The subset of a better-sqlite3 connection these helpers use. */
interface PragmaTarget {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/**
 * Connection settings shared by the adapter and the benchmark's raw baseline.
 *
 * WAL lets readers (subscriptions, other processes) read while one writer appends. `synchronous`
 * defaults to FULL: in WAL mode FULL syncs the WAL on every commit, so an append that returned
 * survives a power cut or kernel panic. NORMAL syncs only at checkpoints: still never corrupt and
 * safe when just the process dies, but the last appends before a power loss can vanish after the
 * caller was told they were stored, which an event log kept forever should not do. Choose NORMAL
 * only where the host guarantees durability (battery-backed cache) or losing the tail is acceptable.
 */
export const configureSqliteConnection = (db: PragmaTarget, synchronous: SqliteSynchronous): void => {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && mode !== 'memory') throw new Error(`SQLite refused WAL mode (journal_mode is ${String(mode)})`);
  db.pragma(`synchronous = ${synchronous}`);
};
