import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, openSealedValues, type EventStore } from '@okr/event-store';
import { ERASED_PERSON, checkInReminders, type Notification, type ReminderKeyResult } from '@okr/okr-domain';
import { Periodic } from '@okr/platform';
import { NOTIFICATIONS_CLOCK, NOTIFICATIONS_SETTINGS, type Clock, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { NotificationsStore, type CycleDoc, type KeyResultDoc, type ObjectiveDoc } from '../store/notifications.store';

export interface ReminderRun {
  at: string;
  /** Reminders the rule called for (one per missed period per key result). */
  reminders: number;
  /** Deliveries recorded by this run; reminders of a period already recorded record nothing. */
  recorded: number;
}

/**
 * Check-in reminders on a durable schedule: every `OKR_REMINDER_INTERVAL_SECONDS` (and once at start)
 * it evaluates `checkInReminders` over the view of every cycle that is running. The schedule keeps no
 * timer state of its own: a reminder's delivery key holds its period (key result, start of counting,
 * period number), and deliveries are recorded at most once per key. So a run repeated after a restart,
 * on a second replica, or twice within a period records nothing new, and a period missed while the
 * service was down is reminded on the first run after it comes back.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReminderScheduler.name);
  private readonly periodic = new Periodic('check-in reminder run failed; retrying on the next tick', this.logger);

  constructor(
    private readonly store: NotificationsStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.settings.reminderIntervalSeconds, () => this.run(this.clock.now()), { immediately: true });
  }

  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** Evaluates every running cycle at `now` (optionally for one tenant) and records what is due. */
  async run(now: Date, tenantId?: string): Promise<ReminderRun> {
    const c = await this.store.collections();
    const cycles = (await c.view.find(tenantId ? { kind: 'cycle', tenantId } : { kind: 'cycle' })) as CycleDoc[];
    let reminders = 0;
    let recorded = 0;
    let pending = 0;
    for (const cycle of cycles) {
      // Owners are kept sealed in the view: opened here, an erased one reads "erased person" and is not reminded.
      const objectives = (await openSealedValues(this.events, await c.view.find({ kind: 'objective', tenantId: cycle.tenantId, cycleId: cycle._id, status: 'active' }))) as ObjectiveDoc[];
      if (objectives.length === 0) continue;
      const byId = new Map<string, ObjectiveDoc>(objectives.map((o) => [o._id, o]));
      const keyResults = (await openSealedValues(this.events, await c.view.find({ kind: 'keyResult', objectiveId: { $in: [...byId.keys()] }, dropped: false }))) as KeyResultDoc[];
      const inputs: ReminderKeyResult[] = keyResults.flatMap((kr) => {
        const objective = byId.get(kr.objectiveId);
        if (!objective?.activatedAt || kr.tenantId !== cycle.tenantId) return [];
        const whose = kr.ownerId ?? objective.ownerId ?? undefined;
        const owner = whose === ERASED_PERSON ? undefined : whose;
        return [
          {
            id: kr._id,
            ...(kr.title ? { title: kr.title } : {}),
            objectiveId: kr.objectiveId,
            objectiveStatus: 'active' as const,
            activatedAt: objective.activatedAt,
            ...(owner ? { owner } : {}),
            ...(kr.lastCheckInAt ? { lastCheckInAt: kr.lastCheckInAt } : {}),
          },
        ];
      });
      const due = checkInReminders(inputs, { startsOn: cycle.startsOn, endsOn: cycle.endsOn, cadenceDays: cycle.checkInCadenceDays }, now);
      reminders += due.length;
      // One transaction per objective: its team decides which webhooks hear of it.
      const perObjective = new Map<string, Notification[]>();
      for (const n of due) perObjective.set(n.objectiveId ?? '', [...(perObjective.get(n.objectiveId ?? '') ?? []), n]);
      for (const [objectiveId, notifications] of perObjective) {
        const teamId = byId.get(objectiveId)?.teamId ?? null;
        // A reminder quotes titles and a period, no one's words: its texts are sealed under the recipient's key alone.
        const inserted = await this.store.store.withTransaction((session) =>
          this.recorder.record(cycle.tenantId, teamId, notifications, now, session),
        );
        recorded += inserted.length;
        pending += inserted.filter((d) => d.status === 'pending').length;
      }
    }
    if (pending > 0) this.recorder.notifyRecorded();
    if (recorded > 0) this.logger.log({ at: now.toISOString(), reminders, recorded }, 'check-in reminders recorded');
    return { at: now.toISOString(), reminders, recorded };
  }
}
