import type { Command, Decider, DomainEvent } from '../shared/envelope';
import { ruleBroken } from '../shared/errors';
import { unhandledCommand } from '../shared/exhaustive';

/** A tenant's erasures: `erasure-{tenantId}`. */
export const ERASURE_CATEGORY = 'erasure';
export const MAX_ERASURE_REASON_LENGTH = 2000;

/**
 * A person's personal data became unreadable: the key with id `keyId` was destroyed. The key id is
 * random and names no one; `reason` is the admin's own text (sealed under the admin's key).
 */
export type PersonalDataErased = DomainEvent<
  'PersonalDataErased',
  { erasureId: string; keyId: string; reason: string; erasedAt: string }
>;
export type ErasureEvent = PersonalDataErased;

export type ErasePersonalData = Command<'ErasePersonalData', { erasureId: string; keyId: string; reason: string }>;
export type ErasureCommand = ErasePersonalData;

export interface ErasureState {
  /** Key ids whose destruction is recorded. */
  erasedKeys: readonly string[];
}

export const decideErasure = (command: ErasureCommand, _state: ErasureState): ErasureEvent[] => {
  switch (command.type) {
    case 'ErasePersonalData': {
      const reason = typeof command.data.reason === 'string' ? command.data.reason.trim() : '';
      if (reason === '') throw ruleBroken('reason-required', 'An erasure needs a reason.', { field: 'reason' });
      if (reason.length > MAX_ERASURE_REASON_LENGTH) {
        throw ruleBroken('reason-too-long', `A reason has at most ${MAX_ERASURE_REASON_LENGTH} characters.`, { field: 'reason' });
      }
      // Recorded again when a key is still there after an earlier attempt: the destruction is retried.
      const { erasureId, keyId } = command.data;
      return [{ type: 'PersonalDataErased', data: { erasureId, keyId, reason, erasedAt: command.metadata.now } }];
    }
    default:
      return unhandledCommand(command.type);
  }
};

/** One event type so far; an unknown one (a later version's) is skipped, as in every decider. */
export const evolveErasure = (state: ErasureState, event: ErasureEvent): ErasureState =>
  event.type === 'PersonalDataErased' ? { erasedKeys: [...state.erasedKeys, event.data.keyId] } : state;

/** A tenant's erasure record as an emmett-style decider. */
export const erasureDecider: Decider<ErasureState, ErasureCommand, ErasureEvent> = {
  decide: decideErasure,
  evolve: evolveErasure,
  initialState: () => ({ erasedKeys: [] }),
};
