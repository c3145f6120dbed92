import Database from 'better-sqlite3';
import { LeaseLostError, type RelayStateStore } from './relay-state.port';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS relay_state (
    relay      TEXT PRIMARY KEY,
    position   INTEGER NOT NULL DEFAULT -1,
    owner      TEXT,
    expires_at INTEGER NOT NULL DEFAULT 0
  ) STRICT;`;

/**
 * Relay checkpoint and lease in a table of the embedded SQLite file. Each statement is one atomic
 * compare-and-set, so replicas in several processes agree on one leader.
 */
export class SqliteRelayStateStore implements RelayStateStore {
  private readonly db: Database.Database;
  private readonly acquire: Database.Statement<{ relay: string; owner: string; now: number; until: number }>;
  private readonly releaseLease: Database.Statement<[string, string]>;
  private readonly read: Database.Statement<[string], { position: number }>;
  private readonly save: Database.Statement<{ relay: string; owner: string; position: number; now: number }>;

  constructor(file: string, busyTimeoutMs = 5000) {
    this.db = new Database(file, { timeout: busyTimeoutMs });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.acquire = this.db.prepare(`
      INSERT INTO relay_state (relay, owner, expires_at) VALUES (@relay, @owner, @until)
      ON CONFLICT (relay) DO UPDATE SET owner = @owner, expires_at = @until
      WHERE relay_state.owner IS NULL OR relay_state.owner = @owner OR relay_state.expires_at < @now`);
    this.releaseLease = this.db.prepare('UPDATE relay_state SET owner = NULL, expires_at = 0 WHERE relay = ? AND owner = ?');
    this.read = this.db.prepare('SELECT position FROM relay_state WHERE relay = ?');
    this.save = this.db.prepare(
      'UPDATE relay_state SET position = @position WHERE relay = @relay AND owner = @owner AND expires_at >= @now',
    );
  }

  async tryAcquire(relay: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.acquire.run({ relay, owner, now, until: now + ttlMs }).changes === 1;
  }

  async release(relay: string, owner: string): Promise<void> {
    this.releaseLease.run(relay, owner);
  }

  async checkpoint(relay: string): Promise<number> {
    return this.read.get(relay)?.position ?? -1;
  }

  async saveCheckpoint(relay: string, owner: string, position: number): Promise<void> {
    if (this.save.run({ relay, owner, position, now: Date.now() }).changes !== 1) throw new LeaseLostError(relay, owner);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
