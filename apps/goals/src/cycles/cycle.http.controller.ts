import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { v7 as uuidv7 } from 'uuid';
import { CurrentPrincipal, Write, setRevisionHeaders, type Principal, type WriteRequest } from '@okr/platform';
import { PlanCycleDto } from './cycle.dto';
import { GetCycleQuery, PlanCycleCommand } from './cycle.messages';

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('api/v1/cycles')
export class CycleHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Plan a cycle: a named period with a check-in cadence' })
  async plan(@Body() body: PlanCycleDto, @Write() { context, reply }: WriteRequest) {
    const cycleId = uuidv7();
    const result = await this.commands.execute(new PlanCycleCommand({ cycleId, ...body }, context));
    setRevisionHeaders(reply, result.revision, `/api/v1/cycles/${cycleId}`);
    return { id: cycleId, revision: result.revision };
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetCycleQuery(principal.tenantId, id));
  }
}
