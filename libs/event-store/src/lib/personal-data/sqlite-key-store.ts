import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { PersonalDataKeyStore, SubjectKey } from './key-store.port';

export interface SqliteKeyStoreOptions {
  /** Database file (`personal-data-keys.sqlite` beside the events file); `:memory:` for a throw-away one. */
  file: string;
  busyTimeoutMs?: number;
}

/**
 * The embedded key store: a SQLite file of its own, so that destroying a key deletes it from a file
 * that is not the event log (a copy of the log alone never holds a key). Shared by the processes that
 * share the data folder (WAL, busy timeout). Destroyed rows are deleted and the freed pages zeroed
 * (`secure_delete`), so the key bytes do not linger in the file.
 */
export class SqliteKeyStore implements PersonalDataKeyStore {
  private readonly insert: Database.Statement<[string, string, string, Buffer, string]>;
  private readonly bySubject: Database.Statement<[string, string], { key_id: string; key: Buffer }>;
  private readonly byId: Database.Statement<[string], { key: Buffer }>;
  private readonly remove: Database.Statement<[string]>;

  static open(options: SqliteKeyStoreOptions): SqliteKeyStore {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.exec(`CREATE TABLE IF NOT EXISTS subject_keys (
        key_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        key BLOB NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (tenant_id, subject_id)
      )`);
      return new SqliteKeyStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO subject_keys (key_id, tenant_id, subject_id, key, created_at) VALUES (?, ?, ?, ?, ?)');
    this.bySubject = db.prepare('SELECT key_id, key FROM subject_keys WHERE tenant_id = ? AND subject_id = ?');
    this.byId = db.prepare('SELECT key FROM subject_keys WHERE key_id = ?');
    this.remove = db.prepare('DELETE FROM subject_keys WHERE key_id = ?');
  }

  async keyFor(tenantId: string, subjectId: string): Promise<SubjectKey> {
    const found = this.bySubject.get(tenantId, subjectId);
    if (found) return { keyId: found.key_id, key: new Uint8Array(found.key) };
    // Of two first uses (here or in another process), the first insert wins and both read it back.
    this.insert.run(uuidv7(), tenantId, subjectId, randomBytes(32), new Date().toISOString());
    const stored = this.bySubject.get(tenantId, subjectId);
    if (!stored) throw new Error('The personal-data key just created could not be read back');
    return { keyId: stored.key_id, key: new Uint8Array(stored.key) };
  }

  async keyIdOf(tenantId: string, subjectId: string): Promise<string | undefined> {
    return this.bySubject.get(tenantId, subjectId)?.key_id;
  }

  async keyById(keyId: string): Promise<Uint8Array | undefined> {
    const found = this.byId.get(keyId);
    return found ? new Uint8Array(found.key) : undefined;
  }

  async destroy(keyId: string): Promise<boolean> {
    const removed = this.remove.run(keyId).changes > 0;
    if (removed) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
