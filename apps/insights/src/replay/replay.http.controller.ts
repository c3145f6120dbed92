import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, CurrentPrincipal, ValidationProblem, type Principal } from '@okr/platform';
import { AS_OF_MESSAGE, ReplayQueryDto, ReplayViewDto } from './replay.dto';
import { ReplayQuery } from './replay.queries';

/** Replay: the organisation's OKRs and learnings as they stood at any instant. */
@ApiTags('replay')
@ApiBearerAuth()
@Controller('api/v1')
export class ReplayHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('replay')
  @Permission('tenant:read')
  @ApiOperation({
    summary: 'Objectives, key results, progress, confidence and learnings as they stood at ?asOf=, optionally of one team or cycle; check-ins as known then or as corrected since (?checkIns=)',
  })
  @ApiOkResponse({ type: ReplayViewDto })
  replay(@Query() query: ReplayQueryDto, @CurrentPrincipal() principal: Principal): Promise<ReplayViewDto> {
    const asOf = new Date(query.asOf);
    // The pattern lets through impossible dates such as 2026-13-45.
    if (Number.isNaN(asOf.getTime())) throw new ValidationProblem([{ field: 'asOf', message: AS_OF_MESSAGE }]);
    const { teamId, cycleId, checkIns = 'known' } = query;
    return this.queries.execute(
      new ReplayQuery(principal.tenantId, asOf, { ...(teamId === undefined ? {} : { teamId }), ...(cycleId === undefined ? {} : { cycleId }) }, checkIns),
    );
  }
}
