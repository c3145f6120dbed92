import { Inject, Injectable } from '@nestjs/common';
import type { Notification } from '@okr/okr-domain';
import type { ReadSession } from '@okr/read-store';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { DeliverySeal } from '../store/delivery-seal';
import { NotificationsStore, type DeliveryDoc, type PreferencesDoc } from '../store/notifications.store';
import { planDeliveries } from './plan-deliveries';

/**
 * Records the deliveries of notifications, each at most once: a delivery's id is derived from its
 * key, so a document already there (an event delivered twice, a reminder evaluated again, another
 * replica faster) is left alone. Inside the caller's transaction, so the view's notification step
 * records the deliveries with the event's applied revision.
 */
@Injectable()
export class DeliveryRecorder {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: NotificationsStore,
    private readonly seal: DeliverySeal,
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
   * Plans and inserts what is not there yet, sealed; returns the inserted deliveries (as stored).
   * `quoting`: every person whose data the notifications' texts may hold (of the triggering event):
   * the texts are sealed under their keys and the recipient's. `traceparent` (the span of the event
   * that caused them) is kept on each, so that its attempts continue the event's trace.
   */
  async record(
    tenantId: string,
    teamId: string | null,
    notifications: readonly Notification[],
    now: Date,
    session: ReadSession,
    options: { traceparent?: string; quoting?: readonly string[] } = {},
  ): Promise<DeliveryDoc[]> {
    if (notifications.length === 0) return [];
    const { traceparent, quoting = [] } = options;
    const c = await this.store.collections();
    const recipients = [...new Set(notifications.map((n) => n.recipient))];
    const recipientKeys = await this.seal.keyIdsOf(tenantId, recipients);
    const textKeyIds = [...(await this.seal.keyIdsOf(tenantId, quoting)).values()];
    // Read in the transaction: what decides the deliveries is what they commit with.
    const [preferences, webhooks, emailAvailable] = await Promise.all([
      c.preferences.find({ tenantId, userId: { $in: recipients } }, { session }),
      c.webhooks.find({ tenantId }, { session }),
      this.emailAvailable(tenantId, session),
    ]);
    const plannedDeliveries = planDeliveries({
      tenantId,
      teamId,
      notifications,
      preferences: new Map(preferences.map((p: PreferencesDoc) => [p.userId, p])),
      webhooks,
      emailAvailable,
      recipientKeys,
      now,
    });
    // Inserted only where absent, each by its id: one already there (or inserted meanwhile by another
    // transaction, which then conflicts with this one) is left as it is.
    const fresh: DeliveryDoc[] = [];
    for (const planned of plannedDeliveries) {
      const sealed = await this.seal.seal(planned, textKeyIds);
      const { _id, ...rest } = traceparent ? { ...sealed, traceparent } : sealed;
      const result = await c.deliveries.updateOne({ _id }, { $setOnInsert: rest }, { upsert: true, session });
      if (result.upserted === 1) fresh.push({ _id, ...rest });
    }
    return fresh;
  }

  async emailAvailable(tenantId: string, session?: ReadSession): Promise<boolean> {
    if (this.settings.smtpUrl) return true;
    const c = await this.store.collections();
    return (await c.smtp.findOne({ _id: tenantId }, session ? { session } : {})) !== null;
  }
}
