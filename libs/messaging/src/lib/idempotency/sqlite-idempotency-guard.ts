import type Database from 'better-sqlite3';
import {
  applyDecision,
  runOnce,
  warnGap,
  type AppliedRevisions,
  type ApplyOutcome,
  type GuardedEvent,
  type GuardLogger,
} from './idempotency';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bus_applied (
  consumer  TEXT    NOT NULL,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  PRIMARY KEY (consumer, stream_id)
) WITHOUT ROWID;`;

/**
 * Applied revisions in a table (`bus_applied`) of the consumer's own SQLite database, so that a
 * handler's writes and the revision bump commit together: {@link SqliteIdempotencyGuard.applyOnce}
 * applies an event exactly once even across crashes and redeliveries.
 */
export class SqliteIdempotencyGuard implements AppliedRevisions {
  private readonly selectRevision: Database.Statement<[string, string], number>;
  private readonly bumpRevision: Database.Statement<[string, string, number]>;
  private readonly applyTransaction: (consumer: string, event: GuardedEvent, write: (db: Database.Database) => void) => ApplyOutcome;

  /** Creates `bus_applied` in `db` if absent. The guard uses `db` and never closes it. */
  constructor(
    private readonly db: Database.Database,
    private readonly options: { logger?: GuardLogger } = {},
  ) {
    db.exec(SCHEMA);
    this.selectRevision = db.prepare<[string, string], number>('SELECT revision FROM bus_applied WHERE consumer = ? AND stream_id = ?').pluck();
    this.bumpRevision = db.prepare(`
      INSERT INTO bus_applied (consumer, stream_id, revision) VALUES (?, ?, ?)
      ON CONFLICT (consumer, stream_id) DO UPDATE SET revision = excluded.revision
      WHERE excluded.revision > bus_applied.revision`);
    const apply = db.transaction((consumer: string, event: GuardedEvent, write: (db: Database.Database) => void): ApplyOutcome => {
      const last = this.selectRevision.get(consumer, event.streamId);
      const decision = applyDecision(last, event.revision);
      if (decision === 'skip') return 'skipped';
      if (decision === 'gap') warnGap(this.options.logger, consumer, event, last);
      write(this.db);
      this.bumpRevision.run(consumer, event.streamId, event.revision);
      return 'applied';
    });
    // IMMEDIATE: take the write lock before the read, so a concurrent writer cannot slip in between.
    this.applyTransaction = (consumer, event, write) => apply.immediate(consumer, event, write);
  }

  /**
   * Runs `write` (synchronous better-sqlite3 writes on this guard's database) and the revision bump
   * in ONE transaction, unless the event was already applied. If `write` throws, neither its writes
   * nor the revision are kept, and the error propagates (the bus retries the event).
   */
  applyOnce(consumer: string, event: GuardedEvent, write: (db: Database.Database) => void): ApplyOutcome {
    return this.applyTransaction(consumer, event, write);
  }

  /**
   * Check -> run -> mark for effects outside this database: at least once, with duplicates narrowed
   * to a crash between `effect` and the mark (see `runOnce`).
   */
  runOnce(consumer: string, event: GuardedEvent, effect: () => Promise<void>): Promise<ApplyOutcome> {
    return runOnce(this, consumer, event, effect, this.options.logger);
  }

  async lastApplied(consumer: string, streamId: string): Promise<number | undefined> {
    return this.selectRevision.get(consumer, streamId);
  }

  async markApplied(consumer: string, streamId: string, revision: number): Promise<void> {
    this.bumpRevision.run(consumer, streamId, revision);
  }
}
