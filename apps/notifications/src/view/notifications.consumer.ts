import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  INTEGRATION_EVENT_CONSUMER,
  ReadStoreGroupRegistry,
  TOPICS,
  followedGroup,
  type EventHandler,
  type IntegrationEvent,
  type IntegrationEventConsumer,
  type RunningConsumer,
} from '@okr/messaging';
import {
  atRisk,
  confidenceDrop,
  learningCaptured,
  objectiveAligned,
  objectiveGraded,
  questionAnswered,
  questionAsked,
  type CheckInRecorded,
  type CyclePlanned,
  type CycleRenamed,
  type CycleRescheduled,
  type KeyResultAdded,
  type KeyResultAtRisk,
  type LearningCaptured,
  type Names,
  type Notification,
  type ObjectiveAligned,
  type ObjectiveGraded,
  type ObjectiveOwnershipTransferred,
  type ObjectiveSet,
  type QuestionAnswered,
  type QuestionAsked,
} from '@okr/okr-domain';
import { activeTraceparent } from '@okr/platform';
import type { ReadSession } from '@okr/read-store';
import { NOTIFICATIONS_CLOCK, NOTIFICATIONS_SETTINGS, type Clock, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { NotificationsStore, type Collections, type FollowDoc } from '../store/notifications.store';

/** The base name of the notifications service's consumer group (see {@link followedGroup}). */
export const NOTIFICATIONS_GROUP = 'notifications';
export const NOTIFICATIONS_TOPICS: readonly string[] = [TOPICS.goals.name, TOPICS.checkIns.name, TOPICS.insights.name];

/** `meta` record: the instant this service first started; older events never notify. */
const NOTIFY_SINCE = 'notify-since';

type Data<E extends { data: unknown }> = E['data'];

/** What one event changes in the view, and who it notifies. */
interface Outcome {
  notifications: Notification[];
  teamId: string | null;
  write: (session: ReadSession) => Promise<void>;
}

/**
 * Follows goals, check-ins and insights (`notifications` group) into the service's view, and turns
 * the events the rules care about into deliveries. Per event, ONE read-store transaction holds the
 * view's changes, the deliveries and the stream's applied revision: an event delivered twice (a
 * rebalance, a crash before the checkpoint) is skipped by its revision, and even if it were not, the
 * deliveries' ids derive from (rule, event, recipient, channel), so nothing is recorded twice.
 *
 * Notifications come only from live events: not imported ones (`metadata.importedAt`), not ones
 * older than the first start of the service (a new service replays the log to build its view without
 * announcing history), not ones older than `OKR_NOTIFY_MAX_AGE_HOURS`.
 */
@Injectable()
export class NotificationsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationsConsumer.name);
  private running?: RunningConsumer;
  private notifySince = '';

  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) private readonly consumer: IntegrationEventConsumer,
    private readonly store: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = await this.store.collections();
    const since = await c.meta.findOne({ _id: NOTIFY_SINCE });
    if (since) {
      this.notifySince = since.value;
    } else {
      this.notifySince = this.clock.now().toISOString();
      await c.meta.updateOne({ _id: NOTIFY_SINCE }, { $set: { value: this.notifySince } }, { upsert: true });
    }
    // The group the store records: replicas sharing the store share it; a view that has applied
    // nothing (a new store, a lost volume) gets a group of its own, read from the start of the log,
    // and never joins or resets the group other replicas consume in.
    const group = await followedGroup(new ReadStoreGroupRegistry(this.store.store), NOTIFICATIONS_GROUP, async () => (await c.applied.count()) > 0);
    const handler: EventHandler = (event) => this.apply(event).then(() => undefined);
    this.running = await this.consumer.start({
      group,
      topics: NOTIFICATIONS_TOPICS,
      handlers: Object.fromEntries(HANDLED.map((type) => [type, handler])),
    });
  }

  async onModuleDestroy(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  /** Applies one event exactly once; returns the number of deliveries it recorded (0 when skipped). */
  async apply(event: IntegrationEvent): Promise<number> {
    const c = await this.store.collections();
    const now = this.clock.now();
    const tenantId = event.metadata.tenantId;
    // The consumer's span of this event (see ObservedConsumer) is the parent of its deliveries' attempts.
    const traceparent = activeTraceparent() ?? event.metadata.traceparent;
    let pending = 0;
    let recorded = 0;
    await this.store.store.withTransaction(async (session) => {
      pending = 0;
      recorded = 0;
      const applied = await c.applied.findOne({ _id: event.streamId });
      if (applied !== null && applied.revision >= event.revision) return;
      const outcome = await this.outcomeOf(c, event);
      await outcome.write(session);
      if (outcome.notifications.length > 0 && this.isLive(event, now)) {
        const inserted = await this.recorder.record(tenantId, outcome.teamId, outcome.notifications, now, session, traceparent);
        recorded = inserted.length;
        pending = inserted.filter((d) => d.status === 'pending').length;
      }
      await c.applied.updateOne(
        { _id: event.streamId },
        { $set: { tenantId, revision: event.revision, appliedAt: now.toISOString() } },
        { upsert: true, session },
      );
    });
    if (recorded > 0) {
      this.logger.log({ eventId: event.id, type: event.type, tenantId, deliveries: recorded }, 'notifications planned');
    }
    if (pending > 0) this.recorder.notifyRecorded();
    return recorded;
  }

  isLive(event: IntegrationEvent, now: Date): boolean {
    const { occurredAt, importedAt } = event.metadata;
    if (importedAt !== undefined) return false;
    if (occurredAt < this.notifySince) return false;
    return now.getTime() - Date.parse(occurredAt) <= this.settings.notifyMaxAgeHours * 3_600_000;
  }

  private async followersOf(c: Collections, tenantId: string, objectiveId: string | undefined, teamId: string | null): Promise<string[]> {
    const targets: Record<string, unknown>[] = [];
    if (objectiveId) targets.push({ kind: 'objective', targetId: objectiveId });
    if (teamId) targets.push({ kind: 'team', targetId: teamId });
    if (targets.length === 0) return [];
    const follows: FollowDoc[] = await c.follows.find({ tenantId, $or: targets }, { sort: { since: 1 } });
    return [...new Set(follows.map((f) => f.userId))];
  }

  private async outcomeOf(c: Collections, event: IntegrationEvent): Promise<Outcome> {
    const tenantId = event.metadata.tenantId;
    const none = (write: Outcome['write'] = async () => undefined): Outcome => ({ notifications: [], teamId: null, write });
    const objective = (id: string, update: Record<string, unknown>, session: ReadSession) =>
      c.objectives.updateOne({ _id: id }, update, { upsert: true, session }).then(() => undefined);

    switch (event.type) {
      case 'CyclePlanned': {
        const d = event.data as Data<CyclePlanned>;
        return none(async (session) => {
          await c.cycles.updateOne(
            { _id: d.cycleId },
            { $set: { tenantId, name: d.name, startsOn: d.startsOn, endsOn: d.endsOn, checkInCadenceDays: d.checkInCadenceDays } },
            { upsert: true, session },
          );
        });
      }
      case 'CycleRenamed': {
        const d = event.data as Data<CycleRenamed>;
        return none(async (session) => {
          await c.cycles.updateOne({ _id: d.cycleId }, { $set: { tenantId, name: d.to } }, { upsert: true, session });
        });
      }
      case 'CycleRescheduled': {
        // Reminders follow the cycle's dates: a cycle moved before it started is reminded on its new dates.
        const d = event.data as Data<CycleRescheduled>;
        return none(async (session) => {
          await c.cycles.updateOne({ _id: d.cycleId }, { $set: { tenantId, startsOn: d.to.startsOn, endsOn: d.to.endsOn } }, { upsert: true, session });
        });
      }
      case 'ObjectiveSet': {
        const d = event.data as Data<ObjectiveSet>;
        return none((session) =>
          objective(
            d.objectiveId,
            { $set: { tenantId, cycleId: d.cycleId, teamId: d.teamId, ownerId: d.ownerId, title: d.title, status: 'draft', activatedAt: null, parents: [] } },
            session,
          ),
        );
      }
      case 'ObjectiveReworded': {
        const d = event.data as { objectiveId: string; to: { title: string } };
        return none((session) => objective(d.objectiveId, { $set: { tenantId, title: d.to.title } }, session));
      }
      case 'ObjectiveOwnershipTransferred': {
        const d = event.data as ObjectiveOwnershipTransferred['data'];
        return none((session) => objective(d.objectiveId, { $set: { tenantId, ownerId: d.toOwnerId } }, session));
      }
      case 'ObjectiveActivated': {
        const d = event.data as { objectiveId: string };
        return none((session) =>
          objective(d.objectiveId, { $set: { tenantId, status: 'active', activatedAt: event.metadata.occurredAt } }, session),
        );
      }
      case 'ObjectiveArchived': {
        const d = event.data as { objectiveId: string };
        return none((session) => objective(d.objectiveId, { $set: { tenantId, status: 'archived' } }, session));
      }
      case 'ObjectiveAlignmentWithdrawn': {
        const d = event.data as { objectiveId: string; parentObjectiveId: string };
        return none((session) => objective(d.objectiveId, { $pull: { parents: d.parentObjectiveId } }, session));
      }
      case 'ObjectiveAligned': {
        const d = event.data as Data<ObjectiveAligned>;
        const [parent, child] = await Promise.all([
          c.objectives.findOne({ _id: d.parentObjectiveId }),
          c.objectives.findOne({ _id: d.objectiveId }),
        ]);
        return {
          notifications: objectiveAligned({ id: event.id, data: d }, parent?.ownerId ?? undefined, event.metadata.actor, {
            ...named('objective', parent?.title),
            ...named('child', child?.title),
          }),
          teamId: parent?.teamId ?? null,
          write: (session) => objective(d.objectiveId, { $addToSet: { parents: d.parentObjectiveId } }, session),
        };
      }
      case 'ObjectiveGraded': {
        const d = event.data as Data<ObjectiveGraded>;
        const current = await c.objectives.findOne({ _id: d.objectiveId });
        const teamId = current?.teamId ?? null;
        const followers = await this.followersOf(c, tenantId, d.objectiveId, teamId);
        return {
          notifications: objectiveGraded({ id: event.id, data: d }, current?.ownerId ?? undefined, followers, named('objective', current?.title)),
          teamId,
          write: (session) => objective(d.objectiveId, { $set: { tenantId, status: 'closed' } }, session),
        };
      }
      case 'KeyResultAdded': {
        const d = event.data as Data<KeyResultAdded>;
        return none(async (session) => {
          await c.keyResults.updateOne(
            { _id: d.keyResultId },
            { $set: { tenantId, objectiveId: d.objectiveId, title: d.title, ownerId: d.ownerId ?? null, dropped: false } },
            { upsert: true, session },
          );
        });
      }
      case 'KeyResultDropped': {
        const d = event.data as { keyResultId: string; objectiveId: string };
        return none(async (session) => {
          await c.keyResults.updateOne({ _id: d.keyResultId }, { $set: { tenantId, objectiveId: d.objectiveId, dropped: true } }, { upsert: true, session });
        });
      }
      case 'CheckInRecorded': {
        const d = event.data as Data<CheckInRecorded>;
        const [kr, parent] = await Promise.all([c.keyResults.findOne({ _id: d.keyResultId }), c.objectives.findOne({ _id: d.objectiveId })]);
        const previous = typeof kr?.lastConfidence === 'number' ? kr.lastConfidence : undefined;
        return {
          notifications: confidenceDrop(
            previous,
            { id: event.id, data: d },
            [kr?.ownerId ?? undefined, parent?.ownerId ?? undefined],
            named('keyResult', kr?.title),
          ),
          teamId: parent?.teamId ?? null,
          write: async (session) => {
            await c.keyResults.updateOne(
              { _id: d.keyResultId },
              { $set: { tenantId, objectiveId: d.objectiveId, lastConfidence: d.confidence, lastCheckInAt: d.recordedAt } },
              { upsert: true, session },
            );
          },
        };
      }
      case 'LearningCaptured': {
        const d = event.data as Data<LearningCaptured>;
        const parent = d.objectiveId ? await c.objectives.findOne({ _id: d.objectiveId }) : null;
        const teamId = parent?.teamId ?? d.teamId ?? null;
        const followers = await this.followersOf(c, tenantId, d.objectiveId, teamId);
        return {
          notifications: learningCaptured({ id: event.id, data: d }, parent?.ownerId ?? undefined, followers, d.author, named('objective', parent?.title)),
          teamId,
          write: async () => undefined,
        };
      }
      case 'TeamRegistered':
      case 'TeamLeadsChanged': {
        const d = event.data as { teamId: string; leads?: string[]; to?: string[] };
        const leads = d.leads ?? d.to ?? [];
        return none(async (session) => {
          await c.teams.updateOne({ _id: `${tenantId}:${d.teamId}` }, { $set: { tenantId, teamId: d.teamId, leads } }, { upsert: true, session });
        });
      }
      case 'QuestionAsked': {
        const d = event.data as Data<QuestionAsked>;
        const [parent, kr] = await Promise.all([
          d.objectiveId ? c.objectives.findOne({ _id: d.objectiveId }) : null,
          d.keyResultId ? c.keyResults.findOne({ _id: d.keyResultId }) : null,
        ]);
        const teamId = parent?.teamId ?? d.teamId ?? null;
        const team = teamId === null ? null : await c.teams.findOne({ _id: `${tenantId}:${teamId}` });
        const followers = await this.followersOf(c, tenantId, d.objectiveId, teamId);
        const names = { ...named('objective', parent?.title), ...named('keyResult', kr?.title) };
        // The team answers: its leads (from the teams registry) and the owners of what was asked about.
        const owners = [parent?.ownerId ?? undefined, kr?.ownerId ?? undefined, ...(team?.leads ?? [])];
        return { notifications: questionAsked({ id: event.id, data: d }, owners, followers, names), teamId, write: async () => undefined };
      }
      case 'QuestionAnswered': {
        const d = event.data as Data<QuestionAnswered>;
        return { notifications: questionAnswered({ id: event.id, data: d }), teamId: d.teamId ?? null, write: async () => undefined };
      }
      case 'KeyResultAtRisk': {
        const d = event.data as Data<KeyResultAtRisk>;
        if (d.addedReasons.length === 0) return none();
        const kr = await c.keyResults.findOne({ _id: d.keyResultId });
        return {
          notifications: atRisk({
            keyResultId: d.keyResultId,
            objectiveId: d.objectiveId,
            reasons: d.reasons.map((r) => r.message),
            krOwner: d.keyResultOwnerId ?? kr?.ownerId ?? undefined,
            objectiveOwner: d.objectiveOwnerId,
            triggeredBy: event.id,
            ...(kr?.title ? { keyResultTitle: kr.title } : {}),
          }),
          teamId: d.teamId,
          write: async () => undefined,
        };
      }
      default:
        return none();
    }
  }
}

/** `{ [key]: title }` when the view knows the title, `{}` otherwise (the rules fall back to ids). */
const named = (key: keyof Names, title: string | null | undefined): Names => (title ? { [key]: title } : {});

/** The event types this consumer handles; the consumer acknowledges and skips the rest. */
export const HANDLED = [
  'CyclePlanned',
  'CycleRenamed',
  'CycleRescheduled',
  'ObjectiveSet',
  'ObjectiveReworded',
  'ObjectiveOwnershipTransferred',
  'ObjectiveActivated',
  'ObjectiveArchived',
  'ObjectiveAligned',
  'ObjectiveAlignmentWithdrawn',
  'ObjectiveGraded',
  'KeyResultAdded',
  'KeyResultDropped',
  'CheckInRecorded',
  'LearningCaptured',
  'TeamRegistered',
  'TeamLeadsChanged',
  'QuestionAsked',
  'QuestionAnswered',
  'KeyResultAtRisk',
] as const;
