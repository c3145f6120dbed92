import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { PinoLogger } from 'nestjs-pino';
import { SqliteIdempotencyGuard, followedGroup, type GroupRegistry, type IntegrationEvent } from '@okr/messaging';
import type { KeyResultKind, KeyResultMeasure } from '@okr/okr-domain';
import { PLATFORM_CONFIG, type PlatformConfig } from '@okr/platform';

/** The view's file in the data folder: this service's own, next to the shared events file. */
export const checkInsViewFile = (config: Pick<PlatformConfig, 'OKR_DATA_DIR'>): string =>
  join(config.OKR_DATA_DIR, 'check-ins.view.sqlite');

export type ObjectiveStatus = 'draft' | 'active' | 'closed' | 'archived';

/** What the service knows of a key result, from goals' events. */
export interface KnownKeyResult {
  keyResultId: string;
  objectiveId: string;
  kind: KeyResultKind;
  measure: KeyResultMeasure;
  dropped: boolean;
  objectiveStatus: ObjectiveStatus;
  /** The objective's cycle; `undefined` while the view has not seen it planned. */
  cycle?: KnownCycle;
}

/** A cycle's dates (YYYY-MM-DD, `endsOn` inclusive), from goals' events. */
export interface KnownCycle {
  cycleId: string;
  startsOn: string;
  endsOn: string;
}

export interface KnownObjective {
  teamId: string;
  status: ObjectiveStatus;
  ownerId?: string;
}

export interface LearningRow {
  id: string;
  objectiveId?: string;
  keyResultIds: string[];
  result: string;
  insight: string;
  capturedAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS followed_groups (base TEXT PRIMARY KEY, consumer_group TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cycles (
  tenant    TEXT NOT NULL,
  cycle_id  TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on   TEXT NOT NULL,
  PRIMARY KEY (tenant, cycle_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS objectives (
  tenant       TEXT NOT NULL,
  objective_id TEXT NOT NULL,
  team_id      TEXT NOT NULL,
  cycle_id     TEXT NOT NULL,
  status       TEXT NOT NULL,
  owner_id     TEXT,
  PRIMARY KEY (tenant, objective_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_results (
  tenant        TEXT    NOT NULL,
  key_result_id TEXT    NOT NULL,
  objective_id  TEXT    NOT NULL,
  kind          TEXT    NOT NULL,
  measure_json  TEXT    NOT NULL,
  dropped       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, key_result_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS check_ins (
  tenant        TEXT NOT NULL,
  check_in_id   TEXT NOT NULL,
  key_result_id TEXT NOT NULL,
  PRIMARY KEY (tenant, check_in_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS learnings (
  tenant          TEXT NOT NULL,
  learning_id     TEXT NOT NULL,
  objective_id    TEXT,
  key_result_ids  TEXT NOT NULL,
  result          TEXT NOT NULL,
  insight         TEXT NOT NULL,
  captured_at     TEXT NOT NULL,
  PRIMARY KEY (tenant, learning_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS learnings_by_objective ON learnings (tenant, objective_id);`;

/**
 * Version of the view's schema (SQLite `user_version`). A file of an older version is deleted at
 * start and rebuilt from the start of the log: the view is derived data, and a column added later
 * (the objectives' cycle, their owner) would otherwise stay empty for everything projected before.
 */
export const CHECK_INS_VIEW_VERSION = 3;

/** Consumer names of the guard: one per projection, so each keeps its own applied revisions. */
export const KEY_RESULTS_CONSUMER = 'check-ins.key-results';
export const OWN_EVENTS_CONSUMER = 'check-ins.own-events';

type Write = (db: Database.Database) => void;

const viewVersionOf = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

/**
 * The service's own SQLite view (better-sqlite3, WAL): which cycles, objectives and key results exist
 * per tenant (from `okr.goals.v1`), where each check-in lives, and the learnings index. Every write made
 * for an integration event goes through {@link SqliteIdempotencyGuard.applyOnce}, so a redelivered
 * event changes nothing.
 */
@Injectable()
export class CheckInsView implements OnApplicationShutdown {
  readonly db: Database.Database;
  /**
   * True when this start created the view's file: its consumer groups must then start from the
   * beginning of the log, whatever their stored positions say (a lost volume, a new pod).
   */
  readonly createdNow: boolean;
  private readonly guard: SqliteIdempotencyGuard;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, logger: PinoLogger) {
    logger.setContext('check-ins-view');
    mkdirSync(config.OKR_DATA_DIR, { recursive: true });
    const file = checkInsViewFile(config);
    if (existsSync(file) && viewVersionOf(file) < CHECK_INS_VIEW_VERSION) {
      logger.info({ file, version: CHECK_INS_VIEW_VERSION }, 'the view was written by an older version: rebuilding it from the start of the log');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
    this.createdNow = !existsSync(file);
    this.db = new Database(file);
    this.db.pragma(`user_version = ${CHECK_INS_VIEW_VERSION}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.guard = new SqliteIdempotencyGuard(this.db, { logger });
  }

  /**
   * The consumer group this view follows for `base` (see `followedGroup`): recorded in the view's file,
   * so processes sharing the file share the group, and a new file (a new pod, a lost volume) gets a
   * group of its own that reads the log from its start without touching the live replicas' group.
   */
  followedGroup(base: string): Promise<string> {
    const registry: GroupRegistry = {
      bound: async (name) =>
        this.db.prepare<[string], { consumer_group: string }>('SELECT consumer_group FROM followed_groups WHERE base = ?').get(name)?.consumer_group,
      bind: async (name, group) => {
        this.db.prepare('INSERT OR IGNORE INTO followed_groups (base, consumer_group) VALUES (?, ?)').run(name, group);
        return (await registry.bound(name)) ?? group;
      },
    };
    return followedGroup(registry, base, async () => !this.createdNow);
  }

  /** Applies `write` for `event` exactly once for `consumer` (see the guard). */
  applyOnce(consumer: string, event: IntegrationEvent, write: Write): void {
    this.guard.applyOnce(consumer, event, write);
  }

  keyResult(tenant: string, keyResultId: string): KnownKeyResult | undefined {
    const row = this.db
      .prepare<
        [string, string],
        { objective_id: string; kind: string; measure_json: string; dropped: number; status: string; cycle_id: string; starts_on: string | null; ends_on: string | null }
      >(
        `SELECT k.objective_id, k.kind, k.measure_json, k.dropped, o.status, o.cycle_id, c.starts_on, c.ends_on
           FROM key_results k JOIN objectives o ON o.tenant = k.tenant AND o.objective_id = k.objective_id
           LEFT JOIN cycles c ON c.tenant = o.tenant AND c.cycle_id = o.cycle_id
          WHERE k.tenant = ? AND k.key_result_id = ?`,
      )
      .get(tenant, keyResultId);
    if (!row) return undefined;
    const cycle = row.starts_on !== null && row.ends_on !== null ? { cycleId: row.cycle_id, startsOn: row.starts_on, endsOn: row.ends_on } : undefined;
    return {
      keyResultId,
      objectiveId: row.objective_id,
      kind: row.kind as KeyResultKind,
      measure: JSON.parse(row.measure_json) as KeyResultMeasure,
      dropped: row.dropped === 1,
      objectiveStatus: row.status as ObjectiveStatus,
      ...(cycle ? { cycle } : {}),
    };
  }

  /** What the view knows of an objective; `ownerId` is absent for rows projected before owners were kept. */
  objective(tenant: string, objectiveId: string): KnownObjective | undefined {
    const row = this.db
      .prepare<[string, string], { team_id: string; status: string; owner_id: string | null }>(
        'SELECT team_id, status, owner_id FROM objectives WHERE tenant = ? AND objective_id = ?',
      )
      .get(tenant, objectiveId);
    if (!row) return undefined;
    return { teamId: row.team_id, status: row.status as ObjectiveStatus, ...(row.owner_id !== null ? { ownerId: row.owner_id } : {}) };
  }

  /** Where a check-in lives; idempotent (a check-in never moves to another key result). */
  rememberCheckIn(tenant: string, checkInId: string, keyResultId: string, db: Database.Database = this.db): void {
    db.prepare('INSERT OR IGNORE INTO check_ins (tenant, check_in_id, key_result_id) VALUES (?, ?, ?)').run(
      tenant,
      checkInId,
      keyResultId,
    );
  }

  keyResultOfCheckIn(tenant: string, checkInId: string): string | undefined {
    return this.db
      .prepare<[string, string], string>('SELECT key_result_id FROM check_ins WHERE tenant = ? AND check_in_id = ?')
      .pluck()
      .get(tenant, checkInId);
  }

  learningsOfObjective(tenant: string, objectiveId: string): LearningRow[] {
    return this.learnings('tenant = ? AND objective_id = ?', tenant, objectiveId);
  }

  learningsOfKeyResult(tenant: string, keyResultId: string): LearningRow[] {
    return this.learnings('tenant = ? AND EXISTS (SELECT 1 FROM json_each(key_result_ids) WHERE value = ?)', tenant, keyResultId);
  }

  private learnings(where: string, ...params: string[]): LearningRow[] {
    const rows = this.db
      .prepare<string[], { learning_id: string; objective_id: string | null; key_result_ids: string; result: string; insight: string; captured_at: string }>(
        `SELECT learning_id, objective_id, key_result_ids, result, insight, captured_at FROM learnings
          WHERE ${where} ORDER BY captured_at, learning_id`,
      )
      .all(...params);
    return rows.map((row) => ({
      id: row.learning_id,
      ...(row.objective_id !== null ? { objectiveId: row.objective_id } : {}),
      keyResultIds: JSON.parse(row.key_result_ids) as string[],
      result: row.result,
      insight: row.insight,
      capturedAt: row.captured_at,
    }));
  }

  /** For the readiness check: the view answers. */
  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
