import Database from 'better-sqlite3';
import type { AggregateSnapshot, SnapshotStore } from './snapshot-store.port';

export interface SqliteSnapshotStoreOptions {
  /** The snapshots' file (`aggregate-snapshots.sqlite` in the data folder), or `:memory:`. */
  file: string;
}

interface SnapshotRow {
  tenant_id: string;
  max_occurred_at: string;
  erasure_epoch: number;
  imported_only: number;
  last_json: string;
  state_json: string;
  revision: number;
}

/**
 * Snapshots in a SQLite file of their own beside the events file (WAL, so several processes on one
 * data folder share it). The state is kept as JSON: a decider's state is plain data.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private constructor(private readonly db: Database.Database) {}

  static open({ file }: SqliteSnapshotStoreOptions): SqliteSnapshotStore {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS aggregate_snapshots (
      stream_id TEXT NOT NULL, shape TEXT NOT NULL, revision INTEGER NOT NULL, tenant_id TEXT NOT NULL,
      max_occurred_at_ms INTEGER NOT NULL, max_occurred_at TEXT NOT NULL, erasure_epoch INTEGER NOT NULL,
      imported_only INTEGER NOT NULL, last_json TEXT NOT NULL, state_json TEXT NOT NULL,
      PRIMARY KEY (stream_id, shape, revision)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS aggregate_snapshots_tenant ON aggregate_snapshots (tenant_id);`);
    return new SqliteSnapshotStore(db);
  }

  async save(s: AggregateSnapshot): Promise<void> {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO aggregate_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.streamId, s.shape, s.revision, s.tenantId, Date.parse(s.maxOccurredAt), s.maxOccurredAt, s.erasureEpoch, s.importedOnly ? 1 : 0, JSON.stringify(s.last), JSON.stringify(s.state));
  }

  async nearest(streamId: string, shape: string, until: Date): Promise<AggregateSnapshot | undefined> {
    const row = this.db
      .prepare(
        `SELECT revision, tenant_id, max_occurred_at, erasure_epoch, imported_only, last_json, state_json FROM aggregate_snapshots
         WHERE stream_id = ? AND shape = ? AND max_occurred_at_ms <= ? ORDER BY revision DESC LIMIT 1`,
      )
      .get(streamId, shape, until.getTime()) as SnapshotRow | undefined;
    if (row === undefined) return undefined;
    return {
      streamId,
      shape,
      revision: row.revision,
      tenantId: row.tenant_id,
      maxOccurredAt: row.max_occurred_at,
      erasureEpoch: row.erasure_epoch,
      importedOnly: row.imported_only === 1,
      last: JSON.parse(row.last_json) as AggregateSnapshot['last'],
      state: JSON.parse(row.state_json) as unknown,
    };
  }

  async deleteStream(streamId: string): Promise<void> {
    this.db.prepare('DELETE FROM aggregate_snapshots WHERE stream_id = ?').run(streamId);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    this.db.prepare('DELETE FROM aggregate_snapshots WHERE tenant_id = ?').run(tenantId);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
