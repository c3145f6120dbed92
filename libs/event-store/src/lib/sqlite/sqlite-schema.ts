/** Version of the schema below, kept in `PRAGMA user_version`. Bump it with a migration step. */
export const SQLITE_SCHEMA_VERSION = 2;

/**
 * One table, the global log. `position` is AUTOINCREMENT so a position is never reused, and because
 * appends run one at a time under SQLite's write lock, positions are handed out in commit order: a
 * reader that sees position N has seen every committed position below N.
 *
 * `occurred_at` is `metadata.occurredAt` as epoch milliseconds, so as-of reads compare numbers rather
 * than ISO strings of varying precision. `category` is the stream id's prefix before the first '-'.
 * `hash` chains the event to the previous one of its stream (see `event-chain.ts`); NULL on events
 * written by schema 1, before the chain existed.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY AUTOINCREMENT,
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
);
CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);
CREATE INDEX IF NOT EXISTS events_stream_occurred_at ON events (stream_id, occurred_at);
`;

/** Migration steps: `MIGRATIONS[v]` takes a file from schema `v` to `v + 1`. */
export const SQLITE_MIGRATIONS: Readonly<Record<number, string>> = {
  1: 'ALTER TABLE events ADD COLUMN hash TEXT;',
};

/** Columns an envelope is built from, in this order (see `toEnvelope`). */
export const ENVELOPE_COLUMNS = 'position, id, stream_id, revision, type, schema_version, data, metadata, hash';

export const INSERT_EVENT = `INSERT INTO events
  (id, stream_id, revision, type, schema_version, data, metadata, occurred_at, category, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

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
