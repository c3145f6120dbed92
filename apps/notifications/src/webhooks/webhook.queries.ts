import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mapPage, type Page, type PageRequest } from '@okr/platform';
import { pageCollection } from '@okr/read-store';
import { NotificationsStore } from '../store/notifications.store';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { tenantWebhook, webhookView, type WebhookView } from './webhook.view';

export class ListWebhooksQuery extends Query<Page<WebhookView>> {
  constructor(
    readonly tenantId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}

/** The tenant's webhooks, oldest first, without secrets. */
@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery> {
  constructor(
    private readonly store: NotificationsStore,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ tenantId, page }: ListWebhooksQuery): Promise<Page<WebhookView>> {
    const c = await this.store.collections();
    const hooks = await pageCollection(c.webhooks, { tenantId }, page, { list: 'webhooks', sortBy: 'createdAt', order: 'asc' });
    return mapPage(hooks, (hook) => webhookView(hook, this.secrets));
  }
}

export class GetWebhookQuery extends Query<WebhookView> {
  constructor(
    readonly tenantId: string,
    readonly webhookId: string,
  ) {
    super();
  }
}

/** One webhook of the tenant, without its secret. */
@QueryHandler(GetWebhookQuery)
export class GetWebhookHandler implements IQueryHandler<GetWebhookQuery> {
  constructor(
    private readonly store: NotificationsStore,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async execute({ tenantId, webhookId }: GetWebhookQuery): Promise<WebhookView> {
    return webhookView(await tenantWebhook(this.store, tenantId, webhookId), this.secrets);
  }
}
