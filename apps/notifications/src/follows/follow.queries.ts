import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mapPage, type Page, type PageRequest } from '@okr/platform';
import { pageCollection } from '@okr/read-store';
import { NotificationsStore } from '../store/notifications.store';
import { followView, type FollowView } from './follow.view';

export class ListFollowsQuery extends Query<Page<FollowView>> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}

/** What the caller follows, oldest first. */
@QueryHandler(ListFollowsQuery)
export class ListFollowsHandler implements IQueryHandler<ListFollowsQuery> {
  constructor(private readonly store: NotificationsStore) {}

  async execute({ tenantId, userId, page }: ListFollowsQuery): Promise<Page<FollowView>> {
    const c = await this.store.collections();
    return mapPage(await pageCollection(c.follows, { tenantId, userId }, page, { list: 'follows', sortBy: 'since', order: 'asc' }), followView);
  }
}
