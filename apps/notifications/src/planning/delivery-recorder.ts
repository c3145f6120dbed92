import { Inject, Injectable } from '@nestjs/common';
import type { Notification } from '@okr/okr-domain';
import type { ReadSession } from '@okr/read-store';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { NotificationsStore, type DeliveryDoc, type PreferencesDoc } from '../store/notifications.store';
import { planDeliveries } from './plan-deliveries';

/**
 * Records the deliveries of notifications, each at most once: a delivery's id is derived from its
 * key, so a document already there (an event delivered twice, a reminder evaluated again, another
 * replica faster) is left alone. Inside the caller's transaction when it gives one, so the consumer
 * records the deliveries and the event's applied revision together.
 */
@Injectable()
export class DeliveryRecorder {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: NotificationsStore,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
  ) {}

  /** Called after new pending deliveries were committed (the dispatcher wakes up). */
  onRecorded(listener: () => void): void {
    this.listeners.add(listener);
  }

  notifyRecorded(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * Plans and inserts what is not there yet; returns the inserted deliveries. `traceparent` (the span
   * of the event that caused them) is kept on each, so that its attempts continue the event's trace.
   */
  async record(
    tenantId: string,
    teamId: string | null,
    notifications: readonly Notification[],
    now: Date,
    session: ReadSession,
    traceparent?: string,
  ): Promise<DeliveryDoc[]> {
    if (notifications.length === 0) return [];
    const c = await this.store.collections();
    const recipients = [...new Set(notifications.map((n) => n.recipient))];
    const [preferences, webhooks, emailAvailable] = await Promise.all([
      c.preferences.find({ tenantId, userId: { $in: recipients } }),
      c.webhooks.find({ tenantId }),
      this.emailAvailable(tenantId),
    ]);
    const planned = planDeliveries({
      tenantId,
      teamId,
      notifications,
      preferences: new Map(preferences.map((p: PreferencesDoc) => [p.userId, p])),
      webhooks,
      emailAvailable,
      now,
    });
    if (planned.length === 0) return [];
    const existing = new Set(
      (await c.deliveries.find({ _id: { $in: planned.map((d) => d._id) } }, { projection: { key: 1 } })).map((d) => d._id),
    );
    const fresh = planned.filter((d) => !existing.has(d._id)).map((d) => (traceparent ? { ...d, traceparent } : d));
    if (fresh.length > 0) {
      await c.deliveries.bulkWrite(
        fresh.map((document) => ({ insertOne: { document } })),
        session,
      );
    }
    return fresh;
  }

  async emailAvailable(tenantId: string): Promise<boolean> {
    if (this.settings.smtpUrl) return true;
    const c = await this.store.collections();
    return (await c.smtp.count({ _id: tenantId })) > 0;
  }
}
