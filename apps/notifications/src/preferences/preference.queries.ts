import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { defaultPreferences, preferencesId } from '../planning/plan-deliveries';
import { DeliverySeal } from '../store/delivery-seal';
import { NotificationsStore } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { preferencesView, type PreferencesView } from './preference.view';

export class GetPreferencesQuery extends Query<PreferencesView> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
  ) {
    super();
  }
}

/** A person's preferences (the defaults when never set), their email address opened. */
@QueryHandler(GetPreferencesQuery)
export class GetPreferencesHandler implements IQueryHandler<GetPreferencesQuery> {
  constructor(
    private readonly store: NotificationsStore,
    private readonly seal: DeliverySeal,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ tenantId, userId }: GetPreferencesQuery): Promise<PreferencesView> {
    const c = await this.store.collections();
    const found = await c.preferences.findOne({ _id: preferencesId(tenantId, userId) });
    return preferencesView(found ? await this.seal.open(found) : defaultPreferences(tenantId, userId), this.secrets);
  }
}
