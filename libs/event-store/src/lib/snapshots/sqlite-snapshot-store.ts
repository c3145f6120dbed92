import Database from 'better-sqlite3';
import type { AggregateSnapshot, SnapshotSpan, SnapshotStore } from './snapshot-store.port';

export interface SqliteSnapshotStoreOptions {
  /** The snapshots' file (`aggregate-snapshots.sqlite` in the data folder), or `:memory:`. */
  file: string;
}

interface SnapshotRow {
  tenant_id: string;
  max_occurred_at: string;
  chunk_min_occurred_at: string;
  erasure_epoch: number;
  imported_only: number;
  last_json: string;
  state_json: string;
  revision: number;
}

/** Kept in `PRAGMA user_version`. Snapshots are a cache of the log: a file of another layout is emptied. */
const LAYOUT = 2;

/**
 * Snapshots in a SQLite file of their own beside the events file (WAL, so several processes on one
 * data folder share it). The state is kept as JSON: a decider's state is plain data. The times of each
 * snapshot are also in a narrow index, so finding where an as-of read starts and stops walks that
 * index, not the rows with their states.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly insert: Database.Statement;
  private readonly nearestRevision: Database.Statement<[string, string, number], number>;
  private readonly byRevision: Database.Statement<[string, string, number], SnapshotRow>;
  private readonly lastRevision: Database.Statement<[string, string], number | null>;
  private readonly lastHolding: Database.Statement<[string, string, number, number], number>;
  private readonly dropStream: Database.Statement<[string]>;
  private readonly dropTenant: Database.Statement<[string]>;

  private constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(`INSERT OR REPLACE INTO aggregate_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.nearestRevision = db
      .prepare<[string, string, number], number>(
        `SELECT revision FROM aggregate_snapshots INDEXED BY aggregate_snapshots_times
         WHERE stream_id = ? AND shape = ? AND max_occurred_at_ms <= ? ORDER BY revision DESC LIMIT 1`,
      )
      .pluck();
    this.byRevision = db.prepare<[string, string, number], SnapshotRow>(
      `SELECT revision, tenant_id, max_occurred_at, chunk_min_occurred_at, erasure_epoch, imported_only, last_json, state_json
       FROM aggregate_snapshots WHERE stream_id = ? AND shape = ? AND revision = ?`,
    );
    this.lastRevision = db.prepare<[string, string], number | null>('SELECT max(revision) FROM aggregate_snapshots WHERE stream_id = ? AND shape = ?').pluck();
    this.lastHolding = db
      .prepare<[string, string, number, number], number>(
        `SELECT revision FROM aggregate_snapshots INDEXED BY aggregate_snapshots_times
         WHERE stream_id = ? AND shape = ? AND revision > ? AND chunk_min_occurred_at_ms <= ? ORDER BY revision DESC LIMIT 1`,
      )
      .pluck();
    this.dropStream = db.prepare('DELETE FROM aggregate_snapshots WHERE stream_id = ?');
    this.dropTenant = db.prepare('DELETE FROM aggregate_snapshots WHERE tenant_id = ?');
  }

  static open({ file }: SqliteSnapshotStoreOptions): SqliteSnapshotStore {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // A cache of the log: a commit lost to a power cut costs a fold, never a wrong answer (a deletion
    // lost that way leaves snapshots of an older erasure count, which reads drop when they meet them).
    // A read as of now keeps a snapshot every few events: one fsync each would cost seconds.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) === LAYOUT) return;
      db.exec(`DROP TABLE IF EXISTS aggregate_snapshots;
      CREATE TABLE aggregate_snapshots (
        stream_id TEXT NOT NULL, shape TEXT NOT NULL, revision INTEGER NOT NULL, tenant_id TEXT NOT NULL,
        max_occurred_at_ms INTEGER NOT NULL, max_occurred_at TEXT NOT NULL,
        chunk_min_occurred_at_ms INTEGER NOT NULL, chunk_min_occurred_at TEXT NOT NULL, erasure_epoch INTEGER NOT NULL,
        imported_only INTEGER NOT NULL, last_json TEXT NOT NULL, state_json TEXT NOT NULL,
        UNIQUE (stream_id, shape, revision)
      );
      CREATE INDEX aggregate_snapshots_tenant ON aggregate_snapshots (tenant_id);
      CREATE INDEX aggregate_snapshots_times ON aggregate_snapshots (stream_id, shape, revision, max_occurred_at_ms, chunk_min_occurred_at_ms);`);
      db.pragma(`user_version = ${LAYOUT}`);
    }).immediate();
    return new SqliteSnapshotStore(db);
  }

  async save(s: AggregateSnapshot): Promise<void> {
    this.insert.run(
      s.streamId,
      s.shape,
      s.revision,
      s.tenantId,
      Date.parse(s.maxOccurredAt),
      s.maxOccurredAt,
      Date.parse(s.chunkMinOccurredAt),
      s.chunkMinOccurredAt,
      s.erasureEpoch,
      s.importedOnly ? 1 : 0,
      JSON.stringify(s.last),
      JSON.stringify(s.state),
    );
  }

  async nearest(streamId: string, shape: string, until: Date): Promise<AggregateSnapshot | undefined> {
    const revision = this.nearestRevision.get(streamId, shape, until.getTime());
    const row = revision === undefined ? undefined : this.byRevision.get(streamId, shape, revision);
    if (row === undefined) return undefined;
    return {
      streamId,
      shape,
      revision: row.revision,
      tenantId: row.tenant_id,
      maxOccurredAt: row.max_occurred_at,
      chunkMinOccurredAt: row.chunk_min_occurred_at,
      erasureEpoch: row.erasure_epoch,
      importedOnly: row.imported_only === 1,
      last: JSON.parse(row.last_json) as AggregateSnapshot['last'],
      state: JSON.parse(row.state_json) as unknown,
    };
  }

  async span(streamId: string, shape: string, after: number, until: Date): Promise<SnapshotSpan> {
    const coveredTo = this.lastRevision.get(streamId, shape) ?? -1;
    if (coveredTo <= after) return { through: after, coveredTo };
    return { through: this.lastHolding.get(streamId, shape, after, until.getTime()) ?? after, coveredTo };
  }

  async deleteStream(streamId: string): Promise<void> {
    this.dropStream.run(streamId);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    this.dropTenant.run(tenantId);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
