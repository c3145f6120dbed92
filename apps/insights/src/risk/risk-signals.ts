import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Periodic, Tracing, activeTraceparent, nextTurn, traceIdOf } from '@okr/platform';
import { EVENT_STORE, handleCommand, openSealedValues, type CommandContext, type EventStore } from '@okr/event-store';
import { ReadModelCollections, type IntegrationEvent, type ReadModel } from '@okr/messaging';
import {
  CHECK_IN_CATEGORY,
  CYCLE_CATEGORY,
  OBJECTIVE_CATEGORY,
  insightStreamName,
  isCycleOver,
  keyResultRiskDecider,
  streamName,
  type AssessKeyResultRisk,
  type KeyResultRiskEvent,
} from '@okr/okr-domain';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import {
  OBJECTIVE_SUMMARY,
  OBJECTIVE_SUMMARY_EVENTS,
  UNKNOWN_CYCLE,
  keyResultRiskReasons,
  objectiveSummaryModel,
  type AtRiskOptions,
  type ObjectiveSummaryDoc,
} from '../projections';
import { AT_RISK_OPTIONS } from '../read-models/at-risk.config';
import { CYCLES, cyclesModel, type CycleDoc } from '../read-models/cycles.read-model';
import { ProjectionRunner } from '../read-models/projection-runner';
import { INSIGHTS_CLOCK, RISK_SIGNALS_OPTIONS, type Clock, type RiskSignalsOptions } from './risk-signals.config';

/** The actor of every risk event: the insights service itself, not a person. */
export const RISK_ACTOR = 'system:insights';

/** What caused an assessment: the event a read model just applied, or a sweep. Becomes the events' metadata. */
export interface RiskTrigger {
  correlationId: string;
  causationId: string;
  traceparent?: string;
}

export interface AppendedRiskEvent {
  keyResultId: string;
  streamId: string;
  id: string;
  type: KeyResultRiskEvent['type'];
  revision: number;
}

export interface RiskAssessment {
  objectiveId: string;
  /** The events appended to the key results' `insight-*` streams (none when nothing changed). */
  appended: AppendedRiskEvent[];
  /** Key results whose assessment failed (logged; the next trigger or sweep tries again). */
  failed: number;
  /**
   * Why nothing was assessed: the objective is not in the read model (or not set yet), or the read
   * model has not applied every event of its streams yet (assessed when it has: the event that
   * completes it triggers an assessment), or its cycle is over (ended or closed).
   */
  skipped?: 'unknown-objective' | 'read-model-behind' | 'cycle-over';
}

/** Objectives read per page by a sweep. */
const SWEEP_PAGE = 100;
/** Attempts per key result when other writers (a replica, the sweep) append in between. */
const MAX_ATTEMPTS = 5;

const SUMMARY_EVENTS: ReadonlySet<string> = new Set(OBJECTIVE_SUMMARY_EVENTS);

/**
 * Keeps the `insight-{keyResultId}` streams in line with the at-risk rules (`projections/at-risk.ts`,
 * thresholds from `OKR_AT_RISK_*`): for an objective, it computes the reasons of each key result at the
 * clock's `now` from the `objective-summary` and `cycles` read models (none for a dropped key result
 * or an objective that is not active) and runs `keyResultRiskDecider` through the generic command
 * handler: read, fold, decide, append with the revision read; on a conflict it reads and decides again,
 * so that assessments running at once (two replicas, a sweep and a trigger) append at most one event
 * for one change. The relay publishes the streams on `okr.insights.v1` (Kafka mode); in embedded
 * mode that topic is the `insight` category of the log.
 *
 * Triggers:
 * - right after the projection runner applied an event to `objective-summary` (that objective) or to
 *   `cycles` (the cycle's active objectives). A failure is logged and never fails the consumer;
 * - a sweep over every active objective (all tenants) every `OKR_RISK_SWEEP_SECONDS`, and once at
 *   start: `behind-pace` and `stale-check-in` become true with time alone.
 *
 * An objective is assessed only when the read model has applied every event of its streams (its
 * objective stream, its key results' check-ins, its cycle): while a read model catches up (a lost read
 * store rebuilt from the start of the log, say) it holds PAST states, and judging a past state at
 * today's clock would publish risks that were never true. The event that completes the view triggers
 * the assessment; while `objective-summary` or `cycles` reads the log from its start (it held nothing
 * at start: `ReadModelRunner.isCatchingUp`), its events trigger none and the timer's sweeps do nothing
 * (nearly every assessment would stop at that check, after reading streams back: a third of the CPU
 * of a quarter's catch-up, measured), and ONE sweep runs when both have caught up, assessing every active objective as
 * the log now has it. With sweeps off (`OKR_RISK_SWEEP_SECONDS=0`), every event triggers its
 * assessment, catching up or not.
 */
@Injectable()
export class RiskSignals implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly collections: ReadModelCollections;
  private readonly periodic: Periodic;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) store: ReadStore,
    @Inject(AT_RISK_OPTIONS) private readonly atRiskOptions: AtRiskOptions,
    @Inject(RISK_SIGNALS_OPTIONS) private readonly options: RiskSignalsOptions,
    @Inject(INSIGHTS_CLOCK) private readonly clock: Clock,
    private readonly runner: ProjectionRunner,
    private readonly logger: PinoLogger,
    @Optional() private readonly tracing?: Tracing,
  ) {
    logger.setContext('risk-signals');
    this.periodic = new Periodic('risk sweep failed; the next one tries again', logger);
    this.collections = new ReadModelCollections(store);
  }

  onModuleInit(): void {
    this.runner.onApplied((model, event) => this.afterApplied(model, event));
    if (this.options.sweepSeconds > 0) {
      this.runner.onCaughtUp((model) => {
        if (model.name === OBJECTIVE_SUMMARY || model.name === CYCLES) this.periodic.again(() => this.scheduledSweep());
      });
    }
  }

  onApplicationBootstrap(): void {
    this.periodic.start(this.options.sweepSeconds, () => this.scheduledSweep(), { immediately: true });
  }

  /**
   * A sweep of the timer or of a read model that caught up: none while `objective-summary` or `cycles`
   * reads the log from its start (every assessment would stop at "not current"; the sweep when the
   * second of them has caught up assesses what they hold then).
   */
  private async scheduledSweep(): Promise<void> {
    if (this.runner.isCatchingUp(OBJECTIVE_SUMMARY) || this.runner.isCatchingUp(CYCLES)) return;
    await this.sweep();
  }

  /** Stops the sweeps and waits for the one in flight (it stops at its next objective). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.periodic.stop();
  }

  /**
   * The projection runner's listener: assesses what the event may have changed. Never throws. A traced
   * event's assessment is a span of its trace, and the risk events it appends carry that span on, so
   * a trace shows the request, the read model, the assessment and the notification it caused.
   */
  async afterApplied(model: Pick<ReadModel, 'name'>, event: IntegrationEvent): Promise<void> {
    if (this.stopping || (model.name !== OBJECTIVE_SUMMARY && model.name !== CYCLES)) return;
    // Its past states are not assessed: the sweep when it has caught up assesses what it holds then.
    if (this.options.sweepSeconds > 0 && this.runner.isCatchingUp(model.name)) return;
    const traceparent = event.metadata.traceparent;
    if (!this.tracing || !traceparent) return this.assessAfter(model, event, traceparent);
    // The consumer's span of the event when it is the active one (an event applied on its own), else the event's cause.
    const active = activeTraceparent();
    const span = {
      traceparent: active && traceIdOf(active) === traceIdOf(traceparent) ? active : traceparent,
      name: 'assess key result risk',
      attributes: { 'okr.read_model': model.name, 'okr.event.type': event.type, 'okr.tenant.id': event.metadata.tenantId },
    };
    return this.tracing.inSpan(span, () => this.assessAfter(model, event, activeTraceparent() ?? traceparent));
  }

  private async assessAfter(model: Pick<ReadModel, 'name'>, event: IntegrationEvent, traceparent: string | undefined): Promise<void> {
    const tenantId = event.metadata.tenantId;
    const trigger: RiskTrigger = {
      correlationId: event.metadata.correlationId ?? event.id,
      causationId: event.id,
      ...(traceparent ? { traceparent } : {}),
    };
    let objectiveId: string | undefined;
    try {
      if (model.name === CYCLES) {
        const { cycleId } = event.data as { cycleId: string };
        await this.assessCycle(tenantId, cycleId, trigger);
        return;
      }
      objectiveId = await this.objectiveOf(event);
      if (objectiveId !== undefined) await this.assessObjective(tenantId, objectiveId, trigger);
    } catch (error) {
      this.logger.error(
        { tenantId, ...(objectiveId === undefined ? {} : { objectiveId }), eventId: event.id, eventType: event.type, streamId: event.streamId, err: error },
        'risk assessment after an event failed; the next sweep catches up',
      );
    }
  }

  /** Assesses every active objective of one cycle (its `CyclePlanned` just reached the read model). */
  async assessCycle(tenantId: string, cycleId: string, trigger: RiskTrigger): Promise<RiskAssessment[]> {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const active = await summaries.find({ tenantId, cycleId, status: 'active' }, { sort: { _id: 1 }, projection: { tenantId: 1 } });
    const assessments: RiskAssessment[] = [];
    for (const { _id } of active) assessments.push(await this.assessObjective(tenantId, _id, trigger));
    return assessments;
  }

  /**
   * Assesses every key result of one objective at the clock's `now` and appends what changed. A key
   * result whose append fails is logged and counted in `failed`; the others go on.
   */
  async assessObjective(tenantId: string, objectiveId: string, trigger?: RiskTrigger): Promise<RiskAssessment> {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const stored = await summaries.findOne({ _id: objectiveId, tenantId });
    if (stored === null || stored.status === 'unknown' || stored.teamId === null || stored.cycleId === null || stored.ownerId === null) {
      return { objectiveId, appended: [], failed: 0, skipped: 'unknown-objective' };
    }
    const cycles = await this.collections.of<CycleDoc>(cyclesModel);
    const cycle = await cycles.findOne({ _id: stored.cycleId, tenantId });
    // Revisions are not personal: whether to go on is known before anything is opened (while a read
    // model catches up, nearly every assessment stops here).
    if (!(await this.isCurrent(stored, cycle))) {
      this.logger.debug({ tenantId, objectiveId }, 'risk assessment deferred: the read model has not applied every event of the objective yet');
      return { objectiveId, appended: [], failed: 0, skipped: 'read-model-behind' };
    }
    // Opened: the owners it names go into the risk events, which the event store seals under their keys.
    const summary = await openSealedValues(this.events, stored as ObjectiveSummaryDoc & { teamId: string; cycleId: string; ownerId: string });

    const now = this.clock.now();
    // An objective of a cycle that is over is "ended, not graded": nothing about it is at risk any more.
    if (cycle !== null && isCycleOver(cycle, now)) return { objectiveId, appended: [], failed: 0, skipped: 'cycle-over' };
    const context: CommandContext = {
      tenantId,
      actor: RISK_ACTOR,
      correlationId: trigger?.correlationId ?? randomUUID(),
      ...(trigger ? { causationId: trigger.causationId } : {}),
      ...(trigger?.traceparent ? { traceparent: trigger.traceparent } : {}),
      now,
    };
    const active = summary.status === 'active';
    const assessment: RiskAssessment = { objectiveId, appended: [], failed: 0 };
    for (const kr of summary.keyResults) {
      const reasons = active && !kr.dropped ? keyResultRiskReasons(summary, kr, cycle ?? UNKNOWN_CYCLE, now, this.atRiskOptions) : [];
      const command: Omit<AssessKeyResultRisk, 'metadata'> = {
        type: 'AssessKeyResultRisk',
        data: {
          keyResultId: kr.id,
          objectiveId,
          cycleId: summary.cycleId,
          teamId: summary.teamId,
          objectiveOwnerId: summary.ownerId,
          ...(kr.ownerId === undefined ? {} : { keyResultOwnerId: kr.ownerId }),
          reasons: reasons.map(({ code, message }) => ({ code, message })),
          assessedAt: now.toISOString(),
        },
      };
      const streamId = insightStreamName(kr.id);
      try {
        const result = await handleCommand(this.events, streamId, keyResultRiskDecider, command, context, { maxAttempts: MAX_ATTEMPTS });
        for (const event of result.events) {
          const appended = { keyResultId: kr.id, streamId, id: event.id, type: event.type as KeyResultRiskEvent['type'], revision: event.revision };
          assessment.appended.push(appended);
          this.logger.info(
            { tenantId, objectiveId, keyResultId: kr.id, streamId, eventId: event.id, eventType: event.type, reasons: reasons.map((r) => r.code), causationId: context.causationId ?? context.correlationId },
            event.type === 'KeyResultBackOnTrack' ? 'key result back on track' : 'key result at risk',
          );
        }
      } catch (error) {
        assessment.failed++;
        this.logger.error(
          { tenantId, objectiveId, keyResultId: kr.id, streamId, causationId: context.causationId ?? context.correlationId, err: error },
          'risk assessment of a key result failed; the next trigger or sweep tries again',
        );
      }
    }
    return assessment;
  }

  /**
   * One pass over every active objective of every tenant, a page at a time. An objective whose
   * assessment fails is logged and the sweep goes on. Stops early when the service stops.
   */
  async sweep(): Promise<{ objectives: number; appended: number; failed: number }> {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const correlationId = randomUUID();
    const totals = { objectives: 0, appended: 0, failed: 0 };
    let after: string | undefined;
    while (!this.stopping) {
      const page = await summaries.find(
        { status: 'active', ...(after === undefined ? {} : { _id: { $gt: after } }) },
        { sort: { _id: 1 }, limit: SWEEP_PAGE, projection: { tenantId: 1 } },
      );
      for (const { _id: objectiveId, tenantId } of page) {
        if (this.stopping) break;
        try {
          const { appended, failed } = await this.assessObjective(tenantId, objectiveId, { correlationId, causationId: correlationId });
          totals.appended += appended.length;
          totals.failed += failed;
        } catch (error) {
          totals.failed++;
          this.logger.error({ tenantId, objectiveId, correlationId, err: error }, 'risk assessment of an objective failed during the sweep');
        }
        totals.objectives++;
        // Every read below is answered from memory on the embedded read store (promises already
        // settled): without a turn of the event loop between objectives, a sweep of thousands held
        // every request for seconds (a 9 s GET on the large organisation, once a minute); the turn is
        // the process's (`nextTurn` of @okr/platform), so a step never runs beside a read model's slice.
        await nextTurn();
      }
      if (page.length < SWEEP_PAGE) break;
      after = page[page.length - 1]._id;
    }
    this.logger.debug({ ...totals, correlationId }, 'risk sweep done');
    return totals;
  }

  /** The objective an applied summary event is about (a correction names only its key result). */
  private async objectiveOf(event: IntegrationEvent): Promise<string | undefined> {
    const data = event.data as { objectiveId?: string; keyResultId?: string };
    if (typeof data.objectiveId === 'string') return data.objectiveId;
    if (typeof data.keyResultId !== 'string') return undefined;
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const summary = await summaries.findOne({ tenantId: event.metadata.tenantId, 'keyResults.id': data.keyResultId });
    return summary?._id;
  }

  /**
   * True when the read models hold the objective as the log has it now: the summary applied the last
   * event of its objective stream and of each key result's check-ins (of the types it handles), and
   * its cycle is known unless the log has no such cycle.
   */
  private async isCurrent(summary: ObjectiveSummaryDoc, cycle: CycleDoc | null): Promise<boolean> {
    if (cycle === null && summary.cycleId !== null && (await this.lastRevision(streamName(CYCLE_CATEGORY, summary.cycleId))) >= 0) return false;
    if ((await this.lastRevision(streamName(OBJECTIVE_CATEGORY, summary._id))) > summary.revision) return false;
    for (const kr of summary.keyResults) {
      if ((await this.lastRevision(streamName(CHECK_IN_CATEGORY, kr.id))) > kr.checkInRevision) return false;
    }
    return true;
  }

  /**
   * Revision of the last event of a stream that the summary handles; -1 for none. Read from the end,
   * one event first, then more at a time, as stored (a type and a revision need no personal data opened and no
   * upcasting): it runs for the objective, each key result and the cycle after every event applied,
   * and a whole page of opened events each time was a twentieth of insights' catch-up.
   */
  private async lastRevision(streamId: string): Promise<number> {
    // Usually the last event is one the summary handles: one row; then 8, 64, … further back.
    for (let from: number | undefined, step = 1; ; step = Math.min(step * 8, 512)) {
      let read = 0;
      let earliest = -1;
      const page = { direction: 'backwards', asStored: true, maxCount: step, ...(from === undefined ? {} : { fromRevision: from }) } as const;
      for await (const event of this.events.readStream(streamId, page)) {
        if (SUMMARY_EVENTS.has(event.type) || event.type === 'CyclePlanned') return event.revision;
        read += 1;
        earliest = event.revision;
      }
      if (read < step || earliest <= 0) return -1;
      from = earliest - 1;
    }
  }
}
