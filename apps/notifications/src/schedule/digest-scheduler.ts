import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { digestOf, localMinutes, type Notification, type NotificationRule } from '@okr/okr-domain';
import { Periodic } from '@okr/platform';
import { NOTIFICATIONS_CLOCK, NOTIFICATIONS_SETTINGS, type Clock, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { deliveryIdOf, deliveryKey, newDelivery } from '../planning/plan-deliveries';
import { DeliverySeal, PERSONAL_DATA_ERASED, erasedIn } from '../store/delivery-seal';
import { NotificationsStore, type Channel, type DeliveryDoc, type PreferencesDoc } from '../store/notifications.store';

/** `YYYY-MM-DD` of `instant` in `timeZone`. */
export const localDate = (instant: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Daily digests: for a person who asked for one, once their local time passed `digestAt`, every
 * delivery `held` for them on a channel becomes ONE digest delivery on that channel
 * (`digest:{user's key id}:{local date}`), and the held ones become `digested` with its id, in one
 * transaction. A digest of a day exists at most once per channel; what is held after it went out
 * waits for the next day's. The held deliveries are opened to be summed up, and the digest is sealed
 * under every key they were sealed under: erasing anyone they quote makes the digest unreadable. A
 * held one that no longer opens (someone it quotes was erased meanwhile) is left out, `skipped`.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestScheduler.name);
  private readonly periodic = new Periodic('digest run failed; retrying on the next tick', this.logger);

  constructor(
    private readonly store: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    private readonly seal: DeliverySeal,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.settings.digestIntervalSeconds, () => this.run(this.clock.now()));
  }

  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /**
   * Assembles the digests due at `now`, of one tenant when `tenantId` is given (a tenant admin's
   * request) or of all (the periodic run); returns how many digest deliveries it recorded.
   */
  async run(now: Date, tenantId?: string): Promise<number> {
    const c = await this.store.collections();
    const people: PreferencesDoc[] = await c.preferences.find({ digest: true, ...(tenantId !== undefined ? { tenantId } : {}) });
    let recorded = 0;
    for (const prefs of people) {
      if (localMinutes(now, prefs.timeZone) < minutesOf(prefs.digestAt)) continue;
      const held = await c.deliveries.find(
        { tenantId: prefs.tenantId, ...(await this.seal.recipientFilter(prefs.tenantId, prefs.userId)), status: 'held' },
        { sort: { createdAt: 1 } },
      );
      const channels = [...new Set(held.map((d) => d.channel))];
      for (const channel of channels) {
        if (await this.digestOne(prefs, channel, held.filter((d) => d.channel === channel), now)) recorded += 1;
      }
    }
    if (recorded > 0) {
      this.recorder.notifyRecorded();
      this.logger.log({ digests: recorded }, 'daily digests recorded');
    }
    return recorded;
  }

  private async digestOne(prefs: PreferencesDoc, channel: Channel, stored: DeliveryDoc[], now: Date): Promise<boolean> {
    const c = await this.store.collections();
    const day = localDate(now, prefs.timeZone);
    const all = await this.seal.open(stored);
    const erased = new Set(stored.filter((d, i) => erasedIn(d, all[i] as DeliveryDoc)).map((d) => d._id));
    if (erased.size > 0) {
      const skip = { filter: { _id: { $in: [...erased] }, status: 'held' }, update: { $set: { status: 'skipped', reason: PERSONAL_DATA_ERASED } } };
      await c.deliveries.bulkWrite([{ updateMany: skip }]);
    }
    const held = stored.filter((d) => !erased.has(d._id));
    const entries: Notification[] = all.filter((d) => !erased.has(d._id)).map((d) => ({
      rule: d.rule as NotificationRule,
      recipient: d.recipient,
      dedupeKey: d.key,
      subject: d.subject,
      body: d.body,
      triggeredBy: d.triggeredBy,
    }));
    const summary = digestOf(entries, prefs.userId, day);
    if (!summary) return false;
    // The person is named in the digest's key by their key's id, as in every delivery key.
    const recipientKeyId = held[0]?.recipientKeyId ?? null;
    const dedupeKey = recipientKeyId === null ? summary.dedupeKey : `digest:${recipientKeyId}:${day}`;
    const id = deliveryIdOf(deliveryKey(prefs.tenantId, dedupeKey, channel));
    return this.store.store.withTransaction(async (session) => {
      if ((await c.deliveries.count({ _id: id })) > 0) return false;
      const plain = newDelivery({
        tenantId: prefs.tenantId,
        dedupeKey,
        channel,
        rule: 'digest',
        recipient: prefs.userId,
        recipientKeyId,
        subject: summary.subject,
        body: summary.body,
        triggeredBy: day,
        items: summary.items.map((n) => ({ rule: n.rule, subject: n.subject, body: n.body })),
        now,
      });
      const digest = await this.seal.seal(plain, held.flatMap((d) => d.textKeyIds));
      await c.deliveries.bulkWrite(
        [
          { insertOne: { document: digest } },
          {
            updateMany: {
              filter: { _id: { $in: held.map((d) => d._id) }, status: 'held' },
              update: { $set: { status: 'digested', digestId: id, reason: `sent in the digest of ${day}` } },
            },
          },
        ],
        session,
      );
      return true;
    });
  }
}
