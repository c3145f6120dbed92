import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import type { IntegrationEvent } from '../integration-event';
import type { DeadLetter } from '../messaging.port';

/** Version of {@link BUS_SCHEMA}, kept in `bus_schema` (the event store owns `PRAGMA user_version`). */
export const BUS_SCHEMA_VERSION = 1;

/**
 * The embedded bus's tables, in the event store's own SQLite file.
 *
 * - `bus_checkpoints`: per (group, topic), the log position of the last event handled, dead-lettered
 *   or skipped; the group resumes strictly after it. -1 means "from the start".
 * - `bus_leases`: one row per group while a member consumes; `expires_at` is epoch ms.
 * - `bus_dead_letters`: events whose handler kept failing, with the error and the whole event.
 */
const BUS_SCHEMA = `
CREATE TABLE IF NOT EXISTS bus_checkpoints (
  "group"    TEXT    NOT NULL,
  topic      TEXT    NOT NULL,
  position   INTEGER NOT NULL,
  updated_at TEXT    NOT NULL,
  PRIMARY KEY ("group", topic)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_leases (
  "group"    TEXT    PRIMARY KEY,
  owner      TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bus_dead_letters (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  "group"    TEXT    NOT NULL,
  topic      TEXT    NOT NULL,
  event_id   TEXT    NOT NULL,
  position   INTEGER NOT NULL,
  stream_id  TEXT    NOT NULL,
  type       TEXT    NOT NULL,
  error      TEXT    NOT NULL,
  attempts   INTEGER NOT NULL,
  failed_at  TEXT    NOT NULL,
  event_json TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_dead_letters_group_topic ON bus_dead_letters ("group", topic, id);
`;

/** A member no longer holds its group's lease: it must stop consuming at once. */
export class GroupLeaseLostError extends Error {
  constructor(
    readonly group: string,
    readonly owner: string,
  ) {
    super(`Consumer group ${group}: member ${owner} no longer holds the lease`);
    this.name = 'GroupLeaseLostError';
  }
}

/** A reset was asked for while a member of the group holds a live lease. */
export class GroupActiveError extends Error {
  constructor(
    readonly group: string,
    readonly owner: string,
    readonly expiresAt: number,
  ) {
    super(
      `Consumer group ${group} is running (lease held by ${owner} until ${new Date(expiresAt).toISOString()}); ` +
        'stop it before resetting',
    );
    this.name = 'GroupActiveError';
  }
}

/** What one handled event changes, in one transaction: the checkpoints and maybe a dead letter. */
export interface Commit {
  group: string;
  owner: string;
  topics: readonly string[];
  position: number;
  leaseTtlMs: number;
  deadLetter?: { topic: string; event: IntegrationEvent; error: string; attempts: number };
}

interface DeadLetterRow {
  group: string;
  topic: string;
  error: string;
  attempts: number;
  failed_at: string;
  event_json: string;
}

/**
 * The bus's own connection to the shared file, and every statement the embedded consumer runs.
 * All writes are single statements or `BEGIN IMMEDIATE` transactions, so several processes sharing
 * the file agree (SQLite's one write lock), and `busy_timeout` makes them wait for each other.
 */
export class BusTables {
  private readonly db: Database.Database;
  private readonly acquireLease: Database.Statement<{ group: string; owner: string; now: number; until: number }>;
  private readonly extendLease: Database.Statement<[number, string, string]>;
  private readonly deleteLease: Database.Statement<[string, string]>;
  private readonly leaseOf: Database.Statement<[string], { owner: string; expires_at: number }>;
  private readonly checkpointRows: Database.Statement<[string], { topic: string; position: number }>;
  private readonly advanceCheckpoint: Database.Statement<[string, string, number, string]>;
  private readonly setCheckpoint: Database.Statement<[string, string, number, string]>;
  private readonly insertDeadLetter: Database.Statement<unknown[]>;
  private readonly deadLetterRows: Database.Statement<[string, string], DeadLetterRow>;
  private readonly commitTransaction: (commit: Commit) => void;
  private readonly resetTransaction: (group: string, positions: ReadonlyMap<string, number>) => void;
  private readonly groupRows: Database.Statement<[{ prefix: string }], { group: string }>;
  private readonly deleteIdleTransaction: (group: string) => string | undefined;

  constructor(file: string, options: { busyTimeoutMs: number; synchronous: 'FULL' | 'NORMAL' }) {
    this.db = new Database(file, { timeout: options.busyTimeoutMs, fileMustExist: false });
    try {
      const mode = this.db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for ${file} (journal_mode is ${String(mode)})`);
      this.db.pragma(`synchronous = ${options.synchronous}`);
      migrate(this.db, file);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.acquireLease = db.prepare(`
      INSERT INTO bus_leases ("group", owner, expires_at) VALUES (@group, @owner, @until)
      ON CONFLICT ("group") DO UPDATE SET owner = @owner, expires_at = @until
      WHERE bus_leases.owner = @owner OR bus_leases.expires_at < @now`);
    this.extendLease = db.prepare('UPDATE bus_leases SET expires_at = ? WHERE "group" = ? AND owner = ?');
    this.deleteLease = db.prepare('DELETE FROM bus_leases WHERE "group" = ? AND owner = ?');
    this.leaseOf = db.prepare('SELECT owner, expires_at FROM bus_leases WHERE "group" = ?');
    this.checkpointRows = db.prepare('SELECT topic, position FROM bus_checkpoints WHERE "group" = ?');
    // Never moves a checkpoint back: a topic may already be ahead of the group's merged log.
    this.advanceCheckpoint = db.prepare(`
      INSERT INTO bus_checkpoints ("group", topic, position, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT ("group", topic) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
      WHERE excluded.position > bus_checkpoints.position`);
    this.setCheckpoint = db.prepare(`
      INSERT INTO bus_checkpoints ("group", topic, position, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT ("group", topic) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`);
    this.insertDeadLetter = db.prepare(`
      INSERT INTO bus_dead_letters
        ("group", topic, event_id, position, stream_id, type, error, attempts, failed_at, event_json)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.deadLetterRows = db.prepare(
      'SELECT "group", topic, error, attempts, failed_at, event_json FROM bus_dead_letters WHERE "group" = ? AND topic = ? ORDER BY id',
    );
    const commit = db.transaction((c: Commit) => {
      const now = Date.now();
      // The fence: only the lease holder moves the group, and each commit extends its lease.
      if (this.extendLease.run(now + c.leaseTtlMs, c.group, c.owner).changes !== 1) throw new GroupLeaseLostError(c.group, c.owner);
      const at = new Date(now).toISOString();
      const dead = c.deadLetter;
      if (dead) {
        const { event } = dead;
        this.insertDeadLetter.run(
          c.group, dead.topic, event.id, event.position, event.streamId, event.type,
          dead.error, dead.attempts, at, JSON.stringify(event),
        );
      }
      for (const topic of c.topics) this.advanceCheckpoint.run(c.group, topic, c.position, at);
    });
    this.commitTransaction = (c) => commit.immediate(c);
    const reset = db.transaction((group: string, positions: ReadonlyMap<string, number>) => {
      const now = Date.now();
      const lease = this.leaseOf.get(group);
      if (lease && lease.expires_at >= now && !heldByDeadProcess(lease.owner)) throw new GroupActiveError(group, lease.owner, lease.expires_at);
      if (lease) this.deleteLease.run(group, lease.owner);
      const at = new Date(now).toISOString();
      for (const [topic, position] of positions) this.setCheckpoint.run(group, topic, position, at);
    });
    this.resetTransaction = (group, positions) => reset.immediate(group, positions);
    this.groupRows = db.prepare(`
      SELECT "group" FROM bus_checkpoints WHERE substr("group", 1, length(@prefix)) = @prefix
      UNION SELECT "group" FROM bus_leases WHERE substr("group", 1, length(@prefix)) = @prefix`);
    const deleteCheckpoints = db.prepare('DELETE FROM bus_checkpoints WHERE "group" = ?');
    const deleteLeases = db.prepare('DELETE FROM bus_leases WHERE "group" = ?');
    const deleteIdle = db.transaction((group: string): string | undefined => {
      const lease = this.leaseOf.get(group);
      if (lease && lease.expires_at >= Date.now() && !heldByDeadProcess(lease.owner)) return `member ${lease.owner} holds its lease`;
      deleteCheckpoints.run(group);
      deleteLeases.run(group);
      return undefined;
    });
    this.deleteIdleTransaction = (group) => deleteIdle.immediate(group);
  }

  /** Groups with a checkpoint or a lease whose names start with `prefix`. */
  groups(prefix: string): string[] {
    return this.groupRows.all({ prefix }).map((row) => row.group).sort();
  }

  /** Deletes a group's checkpoints and lease unless a live member holds it; answers why it was kept. */
  deleteIdle(group: string): string | undefined {
    return this.deleteIdleTransaction(group);
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Takes the lease when free, expired or already ours; true when `owner` holds it until now + ttl. */
  tryAcquire(group: string, owner: string, ttlMs: number): boolean {
    const now = Date.now();
    return this.acquireLease.run({ group, owner, now, until: now + ttlMs }).changes === 1;
  }

  /** Extends `owner`'s lease; false when another member holds it (or nobody does). */
  renew(group: string, owner: string, ttlMs: number): boolean {
    return this.extendLease.run(Date.now() + ttlMs, group, owner).changes === 1;
  }

  release(group: string, owner: string): void {
    this.deleteLease.run(group, owner);
  }

  /** Saved checkpoints of `group`, by topic. */
  checkpoints(group: string): Map<string, number> {
    return new Map(this.checkpointRows.all(group).map((row) => [row.topic, row.position]));
  }

  /** Moves the group past one event; throws {@link GroupLeaseLostError} when `owner` lost the lease. */
  commit(commit: Commit): void {
    this.commitTransaction(commit);
  }

  /** Sets checkpoints outright; throws {@link GroupActiveError} while a member holds a live lease. */
  reset(group: string, positions: ReadonlyMap<string, number>): void {
    this.resetTransaction(group, positions);
  }

  deadLetters(group: string, topic: string): DeadLetter[] {
    return this.deadLetterRows.all(group, topic).map((row) => ({
      group: row.group,
      topic: row.topic,
      event: JSON.parse(row.event_json) as IntegrationEvent,
      error: row.error,
      attempts: row.attempts,
      failedAt: row.failed_at,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Creates or upgrades the bus tables once, under the write lock; refuses a newer schema. */
const migrate = (db: Database.Database, file: string): void => {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS bus_schema (version INTEGER NOT NULL)');
    const version = (db.prepare('SELECT max(version) FROM bus_schema').pluck().get() as number | null) ?? 0;
    if (version > BUS_SCHEMA_VERSION) {
      throw new Error(`${file} has bus schema ${version}; this build knows up to ${BUS_SCHEMA_VERSION}`);
    }
    if (version === BUS_SCHEMA_VERSION) return;
    db.exec(BUS_SCHEMA);
    db.prepare('DELETE FROM bus_schema').run();
    db.prepare('INSERT INTO bus_schema (version) VALUES (?)').run(BUS_SCHEMA_VERSION);
  }).immediate();
};

/**
 * Whether a lease's owner (`host:pid:uuid`, see GroupMember) is a process of this host that no longer
 * runs: a service killed with -9 leaves its lease until it expires, and its restart must not wait for
 * it (or fail) to reset its own groups. An owner on another host, or a process that runs, is live.
 */
export function heldByDeadProcess(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  if (Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
