import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, Permission, type Principal } from '@okr/platform';
import { GetDeliveryQuery, ListDeliveriesQuery, ListInboxQuery } from '../delivery/delivery-log.queries';
import { RunDigestsCommand, RunRemindersCommand } from '../schedule/schedule.commands';
import { DeliveryItemDto, DigestRunDto, InboxItemDto, ReminderRunDto } from './responses.dto';
import { ListDeliveriesQueryDto, RunRemindersDto } from './notifications.dto';

/**
 * The delivery log (what was sent to whom, why, on which channel, its status and attempts), the
 * caller's in-app inbox, and two operator actions.
 */
@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('api/v1')
export class DeliveriesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('deliveries')
  @Permission('tenant:read')
  @ApiOperation({ summary: "The delivery log, newest first: the whole tenant's for admins and auditors, the caller's own for others" })
  @ApiPaginatedResponse(DeliveryItemDto)
  list(@Query() query: ListDeliveriesQueryDto, @CurrentPrincipal() principal: Principal) {
    const { status, rule, channel, recipient, limit, cursor } = query;
    return this.queries.execute(
      new ListDeliveriesQuery(principal, { status, rule, channel, recipient }, { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) }),
    );
  }

  @Get('deliveries/:id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'One delivery with every attempt' })
  @ApiOkResponse({ type: DeliveryItemDto })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetDeliveryQuery(principal, id));
  }

  @Get('notifications')
  @Permission('tenant:read')
  @ApiOperation({ summary: "The caller's in-app notifications, newest first" })
  @ApiPaginatedResponse(InboxItemDto)
  inbox(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListInboxQuery(principal.tenantId, principal.userId, query));
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
    return this.commands.execute(new RunRemindersCommand(principal.tenantId, body.at ? new Date(body.at) : undefined));
  }

  @Post('admin/digests/run')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Assemble the daily digests of the caller's tenant due now (admin; they are also assembled every minute)" })
  @ApiOkResponse({ type: DigestRunDto })
  runDigests(@CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new RunDigestsCommand(principal.tenantId));
  }
}
