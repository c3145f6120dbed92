import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  INTEGRATION_EVENT_CONSUMER,
  TOPICS,
  type EventHandler,
  type IntegrationEvent,
  type IntegrationEventConsumer,
  type RunningConsumer,
} from '@okr/messaging';
import type {
  CheckInRecorded,
  CyclePlanned,
  KeyResultAdded,
  KeyResultDropped,
  KeyResultTargetRevised,
  LearningCaptured,
  LearningRevised,
  ObjectiveOwnershipTransferred,
  ObjectiveSet,
} from '@okr/okr-domain';
import { ReadinessCheck, type ReadinessIndicator } from '@okr/platform';
import type Database from 'better-sqlite3';
import { CheckInsView, KEY_RESULTS_CONSUMER, OWN_EVENTS_CONSUMER, type ObjectiveStatus } from './check-ins.view';

type DataOf<E extends { data: unknown }> = E['data'];
type Write = (db: Database.Database, event: IntegrationEvent) => void;

/**
 * Events of a handled stream that change nothing here still go through the guard, so that each
 * stream's applied revisions stay dense (the guard warns about gaps).
 */
const nothing: Write = () => undefined;

const setObjectiveStatus = (status: ObjectiveStatus): Write => (db, event) => {
  const { objectiveId } = event.data as { objectiveId: string };
  db.prepare('UPDATE objectives SET status = ? WHERE tenant = ? AND objective_id = ?').run(status, event.metadata.tenantId, objectiveId);
};

/** A cycle's new dates (a reschedule before it starts); read by shape so older goals versions need none. */
interface CycleDatesMoved {
  cycleId: string;
  to: { startsOn: string; endsOn: string };
}

const setCycleDates = (db: Database.Database, event: IntegrationEvent, cycleId: string, startsOn: string, endsOn: string): void => {
  db.prepare(
    `INSERT INTO cycles (tenant, cycle_id, starts_on, ends_on) VALUES (?, ?, ?, ?)
     ON CONFLICT (tenant, cycle_id) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on`,
  ).run(event.metadata.tenantId, cycleId, startsOn, endsOn);
};

/** goals' facts that decide whether a key result takes check-ins, of which shape, and when. */
const GOALS_WRITES: Record<string, Write> = {
  CyclePlanned: (db, event) => {
    const data = event.data as DataOf<CyclePlanned>;
    setCycleDates(db, event, data.cycleId, data.startsOn, data.endsOn);
  },
  CycleRescheduled: (db, event) => {
    const data = event.data as CycleDatesMoved;
    setCycleDates(db, event, data.cycleId, data.to.startsOn, data.to.endsOn);
  },
  CycleRenamed: nothing,
  CycleClosed: nothing,
  ObjectiveSet: (db, event) => {
    const data = event.data as DataOf<ObjectiveSet>;
    db.prepare(
      `INSERT INTO objectives (tenant, objective_id, team_id, cycle_id, status, owner_id) VALUES (?, ?, ?, ?, 'draft', ?)
       ON CONFLICT (tenant, objective_id) DO UPDATE SET team_id = excluded.team_id, cycle_id = excluded.cycle_id, owner_id = excluded.owner_id`,
    ).run(event.metadata.tenantId, data.objectiveId, data.teamId, data.cycleId, data.ownerId);
  },
  KeyResultAdded: (db, event) => {
    const data = event.data as DataOf<KeyResultAdded>;
    db.prepare(
      `INSERT INTO key_results (tenant, key_result_id, objective_id, kind, measure_json, dropped) VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT (tenant, key_result_id) DO UPDATE SET kind = excluded.kind, measure_json = excluded.measure_json`,
    ).run(event.metadata.tenantId, data.keyResultId, data.objectiveId, data.measure.kind, JSON.stringify(data.measure));
  },
  KeyResultTargetRevised: (db, event) => {
    const data = event.data as DataOf<KeyResultTargetRevised>;
    const tenant = event.metadata.tenantId;
    const current = db
      .prepare<[string, string], string>('SELECT measure_json FROM key_results WHERE tenant = ? AND key_result_id = ?')
      .pluck()
      .get(tenant, data.keyResultId);
    if (current === undefined) return;
    const measure = { ...(JSON.parse(current) as object), ...data.to };
    db.prepare('UPDATE key_results SET measure_json = ? WHERE tenant = ? AND key_result_id = ?').run(
      JSON.stringify(measure),
      tenant,
      data.keyResultId,
    );
  },
  KeyResultDropped: (db, event) => {
    const data = event.data as DataOf<KeyResultDropped>;
    db.prepare('UPDATE key_results SET dropped = 1 WHERE tenant = ? AND key_result_id = ?').run(event.metadata.tenantId, data.keyResultId);
  },
  ObjectiveActivated: setObjectiveStatus('active'),
  ObjectiveGraded: setObjectiveStatus('closed'),
  ObjectiveArchived: setObjectiveStatus('archived'),
  ObjectiveReworded: nothing,
  ObjectiveAligned: nothing,
  ObjectiveAlignmentWithdrawn: nothing,
  ObjectiveOwnershipTransferred: (db, event) => {
    const data = event.data as DataOf<ObjectiveOwnershipTransferred>;
    db.prepare('UPDATE objectives SET owner_id = ? WHERE tenant = ? AND objective_id = ?').run(data.toOwnerId, event.metadata.tenantId, data.objectiveId);
  },
};

/**
 * The service's own events, projected back into the view: the check-in -> key-result index (also
 * written by the command path right after the append, for read-your-writes; this projection repairs a
 * crash between the two) and the learnings index (written ONLY here: learnings lists are eventually
 * consistent, typically within a few hundred milliseconds of the append).
 */
const OWN_WRITES: Record<string, Write> = {
  CheckInRecorded: (db, event) => {
    const data = event.data as DataOf<CheckInRecorded>;
    db.prepare('INSERT OR IGNORE INTO check_ins (tenant, check_in_id, key_result_id) VALUES (?, ?, ?)').run(
      event.metadata.tenantId,
      data.checkInId,
      data.keyResultId,
    );
  },
  LearningCaptured: (db, event) => {
    const data = event.data as DataOf<LearningCaptured>;
    db.prepare(
      `INSERT OR IGNORE INTO learnings (tenant, learning_id, objective_id, key_result_ids, result, insight, captured_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      event.metadata.tenantId,
      data.learningId,
      data.objectiveId ?? null,
      JSON.stringify(data.keyResultIds ?? []),
      data.result,
      data.insight,
      event.metadata.occurredAt,
    );
  },
  LearningRevised: (db, event) => {
    const data = event.data as DataOf<LearningRevised>;
    const { keyResultIds, result, insight } = data.changes;
    const columns: [string, string][] = [
      ...(keyResultIds !== undefined ? [['key_result_ids', JSON.stringify(keyResultIds)] as [string, string]] : []),
      ...(result !== undefined ? [['result', result] as [string, string]] : []),
      ...(insight !== undefined ? [['insight', insight] as [string, string]] : []),
    ];
    const sets = columns.map(([column]) => `${column} = ?`);
    const values = columns.map(([, value]) => value);
    if (sets.length === 0) return;
    db.prepare(`UPDATE learnings SET ${sets.join(', ')} WHERE tenant = ? AND learning_id = ?`).run(
      ...values,
      event.metadata.tenantId,
      data.learningId,
    );
  },
  CheckInCorrected: nothing,
  MeasurementRecorded: nothing,
  LearningAcknowledged: nothing,
};

/**
 * Keeps the view following the bus: goals' topic in group `check-ins.key-results` (the service never
 * calls goals), its own topic in group `check-ins.own-events`. Started on bootstrap, stopped before
 * the messaging module closes the consumer.
 */
@ReadinessCheck()
@Injectable()
export class ViewProjections implements OnApplicationBootstrap, OnModuleDestroy, ReadinessIndicator {
  private running: RunningConsumer[] = [];

  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) private readonly consumer: IntegrationEventConsumer,
    private readonly view: CheckInsView,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Groups recorded in the view (shared by the processes sharing its file); a new view gets groups of
    // its own, read from the start of the log, and never resets a group other replicas consume in.
    this.running = await Promise.all([
      this.consumer.start({
        group: await this.view.followedGroup(KEY_RESULTS_CONSUMER),
        topics: [TOPICS.goals.name],
        handlers: this.handlers(KEY_RESULTS_CONSUMER, GOALS_WRITES),
      }),
      this.consumer.start({
        group: await this.view.followedGroup(OWN_EVENTS_CONSUMER),
        topics: [TOPICS.checkIns.name],
        handlers: this.handlers(OWN_EVENTS_CONSUMER, OWN_WRITES),
      }),
    ]);
  }

  async onModuleDestroy(): Promise<void> {
    const running = this.running;
    this.running = [];
    await Promise.all(running.map((consumer) => consumer.stop()));
  }

  /** Ready while the view's database answers. */
  isReady(): HealthIndicatorResult {
    const check = this.indicators.check('check-ins-view');
    try {
      this.view.ping();
      return check.up();
    } catch (error) {
      return check.down(error instanceof Error ? error.message : String(error));
    }
  }

  private handlers(consumer: string, writes: Record<string, Write>): Record<string, EventHandler> {
    return Object.fromEntries(
      Object.entries(writes).map(([type, write]) => [
        type,
        async (event: IntegrationEvent) => this.view.applyOnce(consumer, event, (db) => write(db, event)),
      ]),
    );
  }
}
