import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { ApiPaginatedResponse, ApiViewCatchingUpResponse, CurrentPrincipal, IF_MATCH_HEADER, ListQueryDto, Permission, Write, setRevisionHeaders, type Principal, type WriteRequest } from '@okr/platform';
import { ChangeCycleCommand, PlanCycleCommand } from './cycle.commands';
import { CycleClosedDto, CycleDto, CycleItemDto, CycleRevisionDto, PlanCycleDto, RenameCycleDto, RescheduleCycleDto } from './cycle.dto';
import { GetCycleQuery, ListCyclesQuery } from './cycle.queries';

const uuid = new ParseUUIDPipe();

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('api/v1/cycles')
export class CycleHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Permission('cycle:manage')
  @ApiOperation({ summary: 'Plan a cycle: a named period with a check-in cadence (names are unique per tenant)' })
  @ApiCreatedResponse({ type: CycleRevisionDto, description: 'Planned' })
  async plan(@Body() body: PlanCycleDto, @Write() { context, reply }: WriteRequest) {
    const cycleId = uuidv7();
    const result = await this.commands.execute(new PlanCycleCommand({ cycleId, ...body }, context));
    setRevisionHeaders(reply, result.revision, `/api/v1/cycles/${cycleId}`);
    return { id: cycleId, revision: result.revision };
  }

  @Get()
  @Permission('tenant:read')
  @ApiOperation({ summary: "The tenant's cycles, newest first, with their status (upcoming, active, ended, closed)" })
  @ApiPaginatedResponse(CycleItemDto)
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListCyclesQuery(principal.tenantId, query));
  }

  @Get(':id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'A cycle with its status now' })
  @ApiOkResponse({ type: CycleDto, description: 'The cycle (ETag: its revision)' })
  async get(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queries.execute(new GetCycleQuery(principal.tenantId, id));
    setRevisionHeaders(reply, view.revision);
    return view;
  }

  @Post(':id/renaming')
  @Permission('cycle:manage')
  @HttpCode(200)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: 'Rename a cycle before it starts (leader or admin)' })
  @ApiOkResponse({ type: CycleRevisionDto, description: 'Renamed' })
  rename(@Param('id', uuid) id: string, @Body() body: RenameCycleDto, @Write() write: WriteRequest) {
    return this.change(id, { type: 'RenameCycle', data: { name: body.name } }, write);
  }

  @Post(':id/rescheduling')
  @Permission('cycle:manage')
  @HttpCode(200)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: "Move a cycle's dates before it starts (leader or admin)" })
  @ApiOkResponse({ type: CycleRevisionDto, description: 'Rescheduled' })
  reschedule(@Param('id', uuid) id: string, @Body() body: RescheduleCycleDto, @Write() write: WriteRequest) {
    return this.change(id, { type: 'RescheduleCycle', data: { startsOn: body.startsOn, endsOn: body.endsOn } }, write);
  }

  @Post(':id/closing')
  @Permission('cycle:manage')
  @HttpCode(200)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: 'Close an ended cycle (leader or admin); answers the objectives left ungraded' })
  @ApiOkResponse({ type: CycleClosedDto, description: 'Closed' })
  @ApiViewCatchingUpResponse('The list of objectives has not yet applied every change made before the closing (`view-catching-up`), so the ungraded objectives cannot be told yet; nothing was written; retry after `Retry-After` seconds')
  async close(@Param('id', uuid) id: string, @Write() write: WriteRequest) {
    // The handler finds the ungraded objectives (they span streams); the decider records them.
    const { revision, state } = await this.run(id, { type: 'CloseCycle', data: { ungradedObjectives: [] } }, write);
    const closed = state.status === 'closed' ? state : undefined;
    return { id, revision, status: 'closed' as const, closedAt: closed?.closedAt ?? null, ungradedObjectives: closed?.ungradedObjectives ?? [] };
  }

  private async change(cycleId: string, command: ChangeCycleCommand['command'], write: WriteRequest) {
    const { revision } = await this.run(cycleId, command, write);
    return { id: cycleId, revision };
  }

  private async run(cycleId: string, command: ChangeCycleCommand['command'], write: WriteRequest) {
    const result = await this.commands.execute(new ChangeCycleCommand(cycleId, command, write.context, write.expectedRevision));
    setRevisionHeaders(write.reply, result.revision);
    return result;
  }
}
