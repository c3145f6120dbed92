import type { DomainEvent } from '../shared/envelope';
import type { ObjectiveOwnershipTransferred } from './objective.events';

/**
 * `ObjectiveOwnershipTransferred` as written before schema version 2: `from` and `to` held the owners'
 * ids under names that said neither "owner" nor "id". Events of this shape stay stored as written.
 */
export type ObjectiveOwnershipTransferredV1 = DomainEvent<
  'ObjectiveOwnershipTransferred',
  { objectiveId: string; from: string; to: string; reason?: string }
>;

/** v1 -> v2: the same facts under the owner names. */
export const ownershipTransferredV1ToV2 = (data: ObjectiveOwnershipTransferredV1['data']): ObjectiveOwnershipTransferred['data'] => {
  const { from, to, ...rest } = data;
  return { ...rest, fromOwnerId: from, toOwnerId: to };
};
