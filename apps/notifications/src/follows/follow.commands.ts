import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@okr/platform';
import { notFound } from '../http/access';
import { NotificationsStore, type FollowDoc, type FollowKind } from '../store/notifications.store';
import { followId, followView, type FollowView } from './follow.view';

export class FollowCommand extends Command<FollowView> {
  constructor(
    readonly principal: Principal,
    readonly kind: FollowKind,
    readonly targetId: string,
  ) {
    super();
  }
}

/** Follows an objective of the caller's tenant (404 otherwise) or a team; following twice changes nothing. */
@CommandHandler(FollowCommand)
export class FollowHandler implements ICommandHandler<FollowCommand> {
  constructor(private readonly store: NotificationsStore) {}

  async execute({ principal, kind, targetId }: FollowCommand): Promise<FollowView> {
    const c = await this.store.collections();
    // Only an objective of the caller's own tenant can be followed (as this service's view knows it).
    if (kind === 'objective' && !(await c.view.findOne({ _id: targetId, kind: 'objective', tenantId: principal.tenantId }))) {
      throw notFound('objective', 'No such objective in this tenant (a new one can take a moment to be known here).', { objectiveId: targetId });
    }
    const _id = followId(principal.tenantId, principal.userId, kind, targetId);
    const existing = await c.follows.findOne({ _id });
    if (existing) return followView(existing);
    const doc: FollowDoc = { _id, tenantId: principal.tenantId, userId: principal.userId, kind, targetId, since: new Date().toISOString() };
    await c.follows.updateOne({ _id }, { $set: doc }, { upsert: true });
    return followView(doc);
  }
}

export class UnfollowCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly kind: FollowKind,
    readonly targetId: string,
  ) {
    super();
  }
}

/** Stops following (whether or not it was followed). */
@CommandHandler(UnfollowCommand)
export class UnfollowHandler implements ICommandHandler<UnfollowCommand> {
  constructor(private readonly store: NotificationsStore) {}

  async execute({ principal, kind, targetId }: UnfollowCommand): Promise<void> {
    const c = await this.store.collections();
    await c.follows.deleteMany({ _id: followId(principal.tenantId, principal.userId, kind, targetId) });
  }
}
