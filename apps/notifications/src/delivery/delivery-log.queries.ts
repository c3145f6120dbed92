import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mapPage, type Page, type PageRequest, type Principal } from '@okr/platform';
import { pageCollection } from '@okr/read-store';
import { notFound, seesTenantLog } from '../http/access';
import { DeliverySeal } from '../store/delivery-seal';
import { NotificationsStore, type DeliveryDoc } from '../store/notifications.store';

/**
 * A delivery as the API shows it (no lease internals, no key ids), from the stored one OPENED: an
 * erased recipient reads "erased person", and so does a text that quotes an erased person.
 */
export const deliveryView = (d: DeliveryDoc) => ({
  id: d._id,
  rule: d.rule,
  recipient: d.recipient,
  channel: d.channel,
  status: d.status,
  attempts: d.attempts,
  reason: d.reason,
  subject: d.subject,
  body: d.body,
  triggeredBy: d.triggeredBy,
  objectiveId: d.objectiveId,
  keyResultId: d.keyResultId,
  teamId: d.teamId,
  webhookId: d.webhookId,
  createdAt: d.createdAt,
  nextAttemptAt: d.nextAttemptAt,
  deliveredAt: d.deliveredAt,
  failedAt: d.failedAt,
  lastError: d.lastError,
  digestId: d.digestId,
  ...(d.items ? { items: d.items } : {}),
  history: d.history,
});
export type DeliveryView = ReturnType<typeof deliveryView>;

/** Which deliveries of the log to list (each field optional). */
export interface DeliveryLogFilter {
  status?: string;
  rule?: string;
  channel?: string;
  recipient?: string;
}

export class ListDeliveriesQuery extends Query<Page<DeliveryView>> {
  constructor(
    readonly principal: Principal,
    readonly filter: DeliveryLogFilter,
    readonly page: PageRequest,
  ) {
    super();
  }
}

/**
 * The delivery log, newest first: the whole tenant's for admins and auditors, the caller's own for
 * others. A person is found by the id of their key (an erased person by nothing); a webhook by its name.
 */
@QueryHandler(ListDeliveriesQuery)
export class ListDeliveriesHandler implements IQueryHandler<ListDeliveriesQuery> {
  constructor(
    private readonly store: NotificationsStore,
    private readonly seal: DeliverySeal,
  ) {}

  async execute({ principal, filter: wanted, page }: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    const c = await this.store.collections();
    let filter: Record<string, unknown> = { tenantId: principal.tenantId };
    if (wanted.status) filter['status'] = wanted.status;
    if (wanted.rule) filter['rule'] = wanted.rule;
    if (wanted.channel) filter['channel'] = wanted.channel;
    const recipient = seesTenantLog(principal) ? wanted.recipient : principal.userId;
    if (recipient?.startsWith('webhook:')) filter['recipient'] = recipient;
    else if (recipient) filter = { ...filter, ...(await this.seal.recipientFilter(principal.tenantId, recipient)) };
    const found = await pageCollection(c.deliveries, filter, page, { list: 'deliveries', sortBy: 'createdAt', order: 'desc' });
    return mapPage({ ...found, items: await this.seal.open(found.items) }, deliveryView);
  }
}

export class GetDeliveryQuery extends Query<DeliveryView> {
  constructor(
    readonly principal: Principal,
    readonly deliveryId: string,
  ) {
    super();
  }
}

/** One delivery with every attempt; 404 for another tenant's, or another person's unless the caller sees the log. */
@QueryHandler(GetDeliveryQuery)
export class GetDeliveryHandler implements IQueryHandler<GetDeliveryQuery> {
  constructor(
    private readonly store: NotificationsStore,
    private readonly seal: DeliverySeal,
  ) {}

  async execute({ principal, deliveryId }: GetDeliveryQuery): Promise<DeliveryView> {
    const c = await this.store.collections();
    const found = await c.deliveries.findOne({ _id: deliveryId, tenantId: principal.tenantId });
    const visible = found && (seesTenantLog(principal) || (await this.seal.isRecipient(principal.tenantId, principal.userId, found)));
    if (!found || !visible) throw notFound('delivery', 'No such delivery in this tenant.', { deliveryId });
    return deliveryView(await this.seal.open(found));
  }
}

const inboxView = (d: DeliveryDoc) => ({
  id: d._id,
  rule: d.rule,
  subject: d.subject,
  body: d.body,
  objectiveId: d.objectiveId,
  keyResultId: d.keyResultId,
  createdAt: d.createdAt,
});

export class ListInboxQuery extends Query<Page<ReturnType<typeof inboxView>>> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}

/** The caller's in-app notifications, newest first, opened (a text quoting an erased person reads "erased person"). */
@QueryHandler(ListInboxQuery)
export class ListInboxHandler implements IQueryHandler<ListInboxQuery> {
  constructor(
    private readonly store: NotificationsStore,
    private readonly seal: DeliverySeal,
  ) {}

  async execute({ tenantId, userId, page }: ListInboxQuery): Promise<Page<ReturnType<typeof inboxView>>> {
    const c = await this.store.collections();
    const inbox = { tenantId, ...(await this.seal.recipientFilter(tenantId, userId)), channel: 'in-app', status: 'delivered' };
    const found = await pageCollection(c.deliveries, inbox, page, { list: 'inbox', sortBy: 'createdAt', order: 'desc' });
    return mapPage({ ...found, items: await this.seal.open(found.items) }, inboxView);
  }
}
