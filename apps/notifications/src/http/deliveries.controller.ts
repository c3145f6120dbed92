import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, Permission, mapPage, type Principal } from '@okr/platform';
import { pageCollection } from '@okr/read-store';
import { NOTIFICATIONS_CLOCK, type Clock } from '../notifications.config';
import { DigestScheduler } from '../schedule/digest-scheduler';
import { ReminderScheduler } from '../schedule/reminder-scheduler';
import { NotificationsStore, type DeliveryDoc } from '../store/notifications.store';
import { notFound, seesTenantLog } from './access';
import { DeliveryItemDto, DigestRunDto, InboxItemDto, ReminderRunDto } from './responses.dto';
import { ListDeliveriesQueryDto, RunRemindersDto } from './notifications.dto';

/** A delivery as the API shows it (no lease internals). */
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

/**
 * The delivery log (what was sent to whom, why, on which channel, its status and attempts), the
 * caller's in-app inbox, and two operator actions.
 */
@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('api/v1')
export class DeliveriesHttpController {
  constructor(
    private readonly store: NotificationsStore,
    private readonly reminders: ReminderScheduler,
    private readonly digests: DigestScheduler,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
  ) {}

  @Get('deliveries')
  @Permission('tenant:read')
  @ApiOperation({ summary: "The delivery log, newest first: the whole tenant's for admins and auditors, the caller's own for others" })
  @ApiPaginatedResponse(DeliveryItemDto)
  async list(@Query() query: ListDeliveriesQueryDto, @CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const filter: Record<string, unknown> = { tenantId: principal.tenantId };
    if (query.status) filter['status'] = query.status;
    if (query.rule) filter['rule'] = query.rule;
    if (query.channel) filter['channel'] = query.channel;
    if (!seesTenantLog(principal)) filter['recipient'] = principal.userId;
    else if (query.recipient) filter['recipient'] = query.recipient;
    return mapPage(await pageCollection(c.deliveries, filter, query, { list: 'deliveries', sortBy: 'createdAt', order: 'desc' }), deliveryView);
  }

  @Get('deliveries/:id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'One delivery with every attempt' })
  @ApiOkResponse({ type: DeliveryItemDto })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const found = await c.deliveries.findOne({ _id: id, tenantId: principal.tenantId });
    if (!found || (!seesTenantLog(principal) && found.recipient !== principal.userId)) throw notFound('delivery', 'No such delivery in this tenant.', { deliveryId: id });
    return deliveryView(found);
  }

  @Get('notifications')
  @Permission('tenant:read')
  @ApiOperation({ summary: "The caller's in-app notifications, newest first" })
  @ApiPaginatedResponse(InboxItemDto)
  async inbox(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const inbox = { tenantId: principal.tenantId, recipient: principal.userId, channel: 'in-app', status: 'delivered' };
    const page = await pageCollection(c.deliveries, inbox, query, { list: 'inbox', sortBy: 'createdAt', order: 'desc' });
    return mapPage(page, (d) => ({
        id: d._id,
        rule: d.rule,
        subject: d.subject,
        body: d.body,
        objectiveId: d.objectiveId,
        keyResultId: d.keyResultId,
        createdAt: d.createdAt,
      }));
  }

  @Post('admin/reminders/run')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Evaluate check-in reminders of the caller's tenant now, or as of `at` (admin; a test clock for demos). Each missed period is reminded once, however often this runs",
  })
  @ApiOkResponse({ type: ReminderRunDto })
  runReminders(@Body() body: RunRemindersDto, @CurrentPrincipal() principal: Principal) {
    return this.reminders.run(body.at ? new Date(body.at) : this.clock.now(), principal.tenantId);
  }

  @Post('admin/digests/run')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Assemble the daily digests of the caller's tenant due now (admin; they are also assembled every minute)" })
  @ApiOkResponse({ type: DigestRunDto })
  async runDigests(@CurrentPrincipal() principal: Principal) {
    return { digests: await this.digests.run(this.clock.now(), principal.tenantId) };
  }
}
