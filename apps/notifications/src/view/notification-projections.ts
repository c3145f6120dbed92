import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { INTEGRATION_EVENT_CONSUMER, ReadModelRunner, TOPICS, type IntegrationEvent, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import { EVENT_STORE, openSealedValues, type EventStore } from '@okr/event-store';
import { ERASED_PERSON } from '@okr/okr-domain';
import { ReadinessCheck, activeTraceparent, type ReadinessIndicator } from '@okr/platform';
import type { ReadSession } from '@okr/read-store';
import { NOTIFICATIONS_CLOCK, NOTIFICATIONS_SETTINGS, type Clock, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { peopleOf } from '../store/delivery-seal';
import { NotificationsStore, type FollowDoc, type TeamDoc, type ViewDoc } from '../store/notifications.store';
import { notificationViewModel, teamDocId, viewEvent } from './notification-view.read-model';
import { isLive, notificationsOf, subjectOf } from './notifications-of-event';

export const NOTIFICATIONS_TOPICS: readonly string[] = [TOPICS.goals.name, TOPICS.checkIns.name, TOPICS.insights.name];

/** `meta` record: the instant this service first started; older events never notify. */
const NOTIFY_SINCE = 'notify-since';

/**
 * The notifications service's view on the platform's one read-model runner (consumer group
 * `notifications.notifications-view-v2`, recorded in the store), and its notification step: inside each
 * event's transaction, after the view's changes, the pure step turns the event and the documents it
 * read into notifications, and their deliveries are recorded through the same session. So the view,
 * the deliveries and the event's `_applied` revision commit together: an event delivered again is
 * skipped by its revision, and even if it were not, a delivery's id derives from (rule, event,
 * recipient, channel), so nothing is recorded twice. Only live events notify (see `isLive`).
 *
 * The runner is `sealed`: the view keeps owners and leads as the events carry them, so an erasure
 * reaches it; the notification step opens the event and the documents it read, and an erased person
 * is told nothing.
 *
 * Listens at once: `/health/ready` says "catching up" while a new view reads the log from its start.
 */
@ReadinessCheck()
@Injectable()
export class NotificationProjections extends ReadModelRunner implements ReadinessIndicator {
  private readonly logger = new Logger(NotificationProjections.name);
  private notifySince = '';
  /** Deliveries recorded per event id by the transaction that committed (a re-run overwrites its entry). */
  private readonly recorded = new Map<string, { total: number; pending: number }>();

  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) consumer: IntegrationEventConsumer,
    private readonly notifications: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    super(consumer, notifications.store, { service: 'notifications', topics: NOTIFICATIONS_TOPICS, models: [notificationViewModel as unknown as ReadModel], sealed: true });
    this.onProjected((_model, event, current, session) => this.notify(event, current as readonly ViewDoc[], session));
    this.onApplied(async (_model, event) => {
      this.told(event);
    });
  }

  /** Before the consumers start (in the background, see the runner): since when events notify. */
  protected override async prepare(): Promise<void> {
    const c = await this.notifications.collections();
    const since = await c.meta.findOne({ _id: NOTIFY_SINCE });
    this.notifySince = since?.value ?? this.clock.now().toISOString();
    if (!since) await c.meta.updateOne({ _id: NOTIFY_SINCE }, { $setOnInsert: { value: this.notifySince } }, { upsert: true });
  }

  /** Not ready while the consumer starts or a view that held nothing reads the log from its start. */
  async isReady(): Promise<HealthIndicatorResult> {
    const state = await this.readiness();
    const check = this.indicators.check('read-models');
    return state.ready ? check.up() : check.down(state.reason);
  }

  /** Applies one event to the view (and its notifications), exactly once; for tests and tools. Returns the deliveries recorded. */
  async applyEvent(event: IntegrationEvent): Promise<number> {
    // After `prepare` (the runner starts in the background), as the live consumers are.
    await this.started();
    this.recorded.delete(event.id);
    const applied = await this.apply(notificationViewModel as unknown as ReadModel, event);
    return applied ? this.told(event) : 0;
  }

  /** The notification step of one event, in its transaction. */
  private async notify(sealed: IntegrationEvent, sealedView: readonly ViewDoc[], session: ReadSession): Promise<void> {
    this.recorded.delete(sealed.id);
    // Opened for the rules (who to tell, what to quote); nothing opened is written to the view.
    const event = await openSealedValues(this.events, sealed);
    const current = await openSealedValues(this.events, sealedView);
    const typed = viewEvent(event);
    const now = this.clock.now();
    const subject = subjectOf(typed, current);
    if (subject === null || !isLive(event, now, this.notifySince, this.settings.notifyMaxAgeHours)) return;
    const c = await this.notifications.collections();
    const tenantId = event.metadata.tenantId;
    const team = subject.teamId === null ? null : (current.find((doc) => doc._id === teamDocId(tenantId, subject.teamId as string)) ??
      (await openSealedValues(this.events, await c.view.findOne({ _id: teamDocId(tenantId, subject.teamId), kind: 'team' }, { session }))));
    const followers = subject.followers ? await this.followersOf(tenantId, subject.objectiveId, subject.teamId, session) : [];
    const planned = notificationsOf(typed, { view: current, team: (team as TeamDoc | null) ?? null, followers });
    // An erased owner or lead reads "erased person": no one to tell.
    const notifications = planned.notifications.filter((n) => n.recipient !== ERASED_PERSON);
    const { teamId } = planned;
    // The consumer's span of this event (see ObservedConsumer) is the parent of its deliveries' attempts.
    const traceparent = activeTraceparent() ?? event.metadata.traceparent;
    // Their texts quote the event's people (authors, notes, who asked): sealed under each one's key.
    const inserted = await this.recorder.record(tenantId, teamId, notifications, now, session, { ...(traceparent ? { traceparent } : {}), quoting: peopleOf(event) });
    this.recorded.set(event.id, { total: inserted.length, pending: inserted.filter((d) => d.status === 'pending').length });
  }

  /** After the commit: logs what the event recorded and wakes the dispatcher. */
  private told(event: IntegrationEvent): number {
    const outcome = this.recorded.get(event.id);
    this.recorded.delete(event.id);
    if (!outcome || outcome.total === 0) return 0;
    this.logger.log({ eventId: event.id, type: event.type, tenantId: event.metadata.tenantId, deliveries: outcome.total }, 'notifications planned');
    if (outcome.pending > 0) this.recorder.notifyRecorded();
    return outcome.total;
  }

  private async followersOf(tenantId: string, objectiveId: string | undefined, teamId: string | null, session: ReadSession): Promise<string[]> {
    const targets: Record<string, unknown>[] = [];
    if (objectiveId) targets.push({ kind: 'objective', targetId: objectiveId });
    if (teamId) targets.push({ kind: 'team', targetId: teamId });
    if (targets.length === 0) return [];
    const c = await this.notifications.collections();
    const follows: FollowDoc[] = await c.follows.find({ tenantId, $or: targets }, { sort: { since: 1 }, session });
    return [...new Set(follows.map((follow) => follow.userId))];
  }
}
