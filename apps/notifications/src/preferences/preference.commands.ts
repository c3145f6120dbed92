import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@okr/platform';
import { requireAllowedDestination } from '../http/access';
import type { PreferencesDto } from '../http/notifications.dto';
import { NOTIFICATIONS_SETTINGS, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { defaultPreferences, preferencesId } from '../planning/plan-deliveries';
import { DeliverySeal } from '../store/delivery-seal';
import { chatChannelOf, NotificationsStore, type PreferencesDoc } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { preferencesView, type PreferencesView } from './preference.view';

export class ReplacePreferencesCommand extends Command<PreferencesView> {
  constructor(
    readonly principal: Principal,
    readonly changes: PreferencesDto,
  ) {
    super();
  }
}

/**
 * Replaces a person's preferences (a field left out takes its default, `chat` stays as it was when
 * omitted); leaving the digest releases what was held for it.
 */
@CommandHandler(ReplacePreferencesCommand)
export class ReplacePreferencesHandler implements ICommandHandler<ReplacePreferencesCommand> {
  constructor(
    private readonly store: NotificationsStore,
    private readonly recorder: DeliveryRecorder,
    private readonly seal: DeliverySeal,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ principal, changes }: ReplacePreferencesCommand): Promise<PreferencesView> {
    if (changes.chat) await requireAllowedDestination(changes.chat.url, 'chat.url', { allowPrivate: this.settings.allowPrivateDestinations });
    const c = await this.store.collections();
    const _id = preferencesId(principal.tenantId, principal.userId);
    const current = (await c.preferences.findOne({ _id })) ?? defaultPreferences(principal.tenantId, principal.userId);
    const next: PreferencesDoc = {
      _id,
      tenantId: principal.tenantId,
      userId: principal.userId,
      timeZone: changes.timeZone ?? 'UTC',
      mutedRules: changes.mutedRules ?? [],
      quietHours: changes.quietHours ? { start: changes.quietHours.start, end: changes.quietHours.end } : null,
      digest: changes.digest ?? false,
      digestAt: changes.digestAt ?? '09:00',
      // Sealed under the person's key: an erasure makes it unreadable (see DeliverySeal).
      email: changes.email ? await this.seal.sealOwn(principal.tenantId, principal.userId, changes.email) : null,
      // The chat URL is never returned, so a client cannot send it back: omitted = unchanged.
      chat: changes.chat === undefined ? chatChannelOf(current) : changes.chat === null ? null : { url: this.secrets.seal(changes.chat.url), format: changes.chat.format },
      updatedAt: new Date().toISOString(),
    };
    const own = await this.seal.recipientFilter(principal.tenantId, principal.userId);
    await this.store.store.withTransaction(async (session) => {
      await c.preferences.updateOne({ _id }, { $set: next }, { upsert: true, session });
      if (current.digest && !next.digest) {
        // Leaving the digest: what was held for it goes out now, one by one.
        await c.deliveries.bulkWrite(
          [
            {
              updateMany: {
                filter: { tenantId: principal.tenantId, ...own, status: 'held' },
                update: { $set: { status: 'pending', reason: 'released from the digest', nextAttemptAt: next.updatedAt } },
              },
            },
          ],
          session,
        );
      }
    });
    if (current.digest && !next.digest) this.recorder.notifyRecorded();
    return preferencesView(await this.seal.open(next), this.secrets);
  }
}
