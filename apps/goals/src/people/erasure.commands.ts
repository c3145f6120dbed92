import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, PERSONAL_DATA_KEY_STORE, foldCacheOf, handleCommand, snapshotsOf, type CommandContext, type EventStore, type PersonalDataKeyStore } from '@okr/event-store';
import { ERASURE_CATEGORY, erasureDecider, notFound, streamName } from '@okr/okr-domain';

export class ErasePersonCommand extends Command<{ erasureId: string; erasedAt: string }> {
  constructor(
    readonly userId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Erases a person's personal data by destroying their key: every field sealed with it, in every event
 * already stored or published, reads "erased person" from then on. The erasure is recorded first (by
 * the key's random id, never the person), then the key destroyed; a failure in between leaves the key,
 * and the admin's retry records the erasure again and destroys it.
 */
@CommandHandler(ErasePersonCommand)
export class ErasePersonHandler implements ICommandHandler<ErasePersonCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA_KEY_STORE) private readonly keys: PersonalDataKeyStore | null,
  ) {}

  async execute({ userId, reason, context }: ErasePersonCommand) {
    if (!this.keys) throw new Error('Erasure needs the personal-data key store, and this event store was opened without one');
    const keyId = await this.keys.keyIdOf(context.tenantId, userId);
    if (keyId === undefined) {
      throw notFound('person-not-found', 'This person has no personal data here, or it was erased already.', { userId });
    }
    const erasureId = uuidv7();
    const stream = streamName(ERASURE_CATEGORY, context.tenantId);
    const now = context.now ?? new Date();
    await handleCommand(this.store, stream, erasureDecider, { type: 'ErasePersonalData', data: { erasureId, keyId, reason } }, { ...context, now });
    await this.keys.destroy(keyId);
    // Folds kept by this process hold her data opened: forget them now (other replicas within OKR_FOLD_CACHE_SECONDS).
    foldCacheOf(this.store)?.clear();
    // Snapshots hold folded state in clear: the tenant's are dropped (as-of reads fold from the events again).
    await snapshotsOf(this.store)?.deleteTenant(context.tenantId);
    return { erasureId, erasedAt: now.toISOString() };
  }
}
