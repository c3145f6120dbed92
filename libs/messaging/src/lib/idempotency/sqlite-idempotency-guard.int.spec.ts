import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { IntegrationEvent } from '../integration-event';
import { idempotent, type GuardedEvent } from './idempotency';
import { SqliteIdempotencyGuard } from './sqlite-idempotency-guard';

const eventAt = (streamId: string, revision: number): GuardedEvent => ({ id: randomUUID(), type: 'Counted', streamId, revision });

describe('SqliteIdempotencyGuard', () => {
  let dir: string;
  let db: Database.Database;
  let warnings: object[];
  let guard: SqliteIdempotencyGuard;

  /** The handler's own write: a running total per stream. */
  const addOne = (streamId: string) => (target: Database.Database) =>
    target
      .prepare('INSERT INTO totals (stream_id, n) VALUES (?, 1) ON CONFLICT (stream_id) DO UPDATE SET n = n + 1')
      .run(streamId);
  const total = (streamId: string): number | undefined =>
    db.prepare('SELECT n FROM totals WHERE stream_id = ?').pluck().get(streamId) as number | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-idempotency-'));
    db = new Database(join(dir, 'read-models.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE totals (stream_id TEXT PRIMARY KEY, n INTEGER NOT NULL)');
    warnings = [];
    guard = new SqliteIdempotencyGuard(db, { logger: { warn: (obj) => void warnings.push(obj) } });
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies an event once: the second delivery changes nothing', async () => {
    const first = eventAt('objective-1', 0);
    expect(guard.applyOnce('insights', first, addOne('objective-1'))).toBe('applied');
    expect(guard.applyOnce('insights', first, addOne('objective-1'))).toBe('skipped');
    expect(total('objective-1')).toBe(1);
    expect(await guard.lastApplied('insights', 'objective-1')).toBe(0);

    expect(guard.applyOnce('insights', eventAt('objective-1', 1), addOne('objective-1'))).toBe('applied');
    expect(guard.applyOnce('insights', eventAt('objective-1', 0), addOne('objective-1'))).toBe('skipped');
    expect(total('objective-1')).toBe(2);
  });

  it('keeps revisions per consumer and per stream', async () => {
    expect(guard.applyOnce('insights', eventAt('objective-1', 0), addOne('objective-1'))).toBe('applied');
    expect(guard.applyOnce('notifications', eventAt('objective-1', 0), addOne('objective-1'))).toBe('applied');
    expect(guard.applyOnce('insights', eventAt('objective-2', 0), addOne('objective-2'))).toBe('applied');
    expect(await guard.lastApplied('insights', 'objective-3')).toBeUndefined();
  });

  it('crash inside the write keeps neither the write nor the revision; the redelivery applies it', async () => {
    const event = eventAt('objective-1', 0);
    expect(() =>
      guard.applyOnce('insights', event, (target) => {
        addOne('objective-1')(target);
        throw new Error('crash after the write, before the commit');
      }),
    ).toThrow('crash after the write');
    expect(total('objective-1')).toBeUndefined();
    expect(await guard.lastApplied('insights', 'objective-1')).toBeUndefined();

    expect(guard.applyOnce('insights', event, addOne('objective-1'))).toBe('applied');
    expect(total('objective-1')).toBe(1);
  });

  it('applies across a revision gap but warns', () => {
    guard.applyOnce('insights', eventAt('objective-1', 0), addOne('objective-1'));
    expect(guard.applyOnce('insights', eventAt('objective-1', 3), addOne('objective-1'))).toBe('applied');
    expect(total('objective-1')).toBe(2);
    expect(warnings).toEqual([expect.objectContaining({ consumer: 'insights', streamId: 'objective-1', lastApplied: 0, revision: 3 })]);
    // The first event of a stream (e.g. after a reset to an instant) is not a gap.
    guard.applyOnce('insights', eventAt('objective-2', 7), addOne('objective-2'));
    expect(warnings).toHaveLength(1);
  });

  it('survives reopening the database (the revision is durable with the writes)', () => {
    guard.applyOnce('insights', eventAt('objective-1', 0), addOne('objective-1'));
    const file = db.name;
    db.close();
    db = new Database(file);
    guard = new SqliteIdempotencyGuard(db);
    expect(guard.applyOnce('insights', eventAt('objective-1', 0), addOne('objective-1'))).toBe('skipped');
    expect(total('objective-1')).toBe(1);
  });

  it('runOnce and idempotent(): check -> run -> mark for effects elsewhere', async () => {
    const effects: string[] = [];
    const handler = idempotent(async (event) => void effects.push(`${event.streamId}@${event.revision}`), {
      consumer: 'mailer',
      revisions: guard,
    });
    const event = { ...eventAt('objective-1', 0), key: '1', schemaVersion: 1, position: 1, data: {}, metadata: {} } as IntegrationEvent;
    await handler(event);
    await handler(event);
    await handler({ ...event, revision: 1 });
    expect(effects).toEqual(['objective-1@0', 'objective-1@1']);

    // An effect that fails is not marked: the redelivery runs it again.
    await expect(guard.runOnce('mailer', eventAt('objective-1', 2), () => Promise.reject(new Error('smtp down')))).rejects.toThrow(
      'smtp down',
    );
    expect(await guard.lastApplied('mailer', 'objective-1')).toBe(1);
    expect(await guard.runOnce('mailer', eventAt('objective-1', 2), async () => undefined)).toBe('applied');
  });
});
