import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, Permission, type Principal } from '@okr/platform';
import { KeyResultSeriesDto } from './key-result-series.dto';
import { ObjectiveSummaryDto } from './objective-summary.dto';
import { AtRiskItemDto, AtRiskQueryDto, CycleQueryDto, LearningFeedItemDto, LearningStatsDto, LearningsQueryDto } from './read-models.dto';
import { TeamDashboardDto } from './team-dashboard.dto';
import { GetKeyResultSeriesQuery, GetObjectiveSummaryQuery, ListAtRiskQuery, ListLearningsFeedQuery } from './read-models.queries';
import { GetTeamDashboardQuery } from './team-dashboard.queries';

/**
 * The live views, from the read models (eventually consistent: typically within a few hundred
 * milliseconds of the event). Always the caller's tenant; another tenant's ids answer 404.
 */
@ApiTags('views')
@ApiBearerAuth()
@Controller('api/v1')
export class ReadModelsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('objectives/:id/summary')
  @Permission('tenant:read')
  @ApiOperation({ summary: "An objective's current state, key results with their latest check-in, progress, confidence, status and grade" })
  @ApiOkResponse({ type: ObjectiveSummaryDto })
  summary(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ObjectiveSummaryDto> {
    return this.queries.execute(new GetObjectiveSummaryQuery(principal.tenantId, id));
  }

  @Get('at-risk')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'Key results of active objectives at risk, each with its reasons (pace, confidence, stale check-ins)' })
  @ApiPaginatedResponse(AtRiskItemDto)
  atRisk(@Query() query: AtRiskQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListAtRiskQuery(principal.tenantId, query.cycleId, query));
  }

  @Get('key-results/:krId/series')
  @Permission('tenant:read')
  @ApiOperation({ summary: "A key result's check-ins as points of value, progress and confidence, by effectiveAt" })
  @ApiOkResponse({ type: KeyResultSeriesDto })
  series(@Param('krId') krId: string, @CurrentPrincipal() principal: Principal): Promise<KeyResultSeriesDto> {
    return this.queries.execute(new GetKeyResultSeriesQuery(principal.tenantId, krId));
  }

  @Get('learnings')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'Learnings, newest first, by team, cycle, objective, result, tag or evidence kind, with stats (invalidated hypotheses count as learning)' })
  @ApiExtraModels(LearningStatsDto)
  @ApiPaginatedResponse(LearningFeedItemDto, {
    extra: { stats: { allOf: [{ $ref: getSchemaPath(LearningStatsDto) }], description: 'Totals over every learning the filters select (all pages)' } },
    required: ['stats'],
  })
  learnings(@Query() query: LearningsQueryDto, @CurrentPrincipal() principal: Principal) {
    const { teamId, cycleId, objectiveId, result, tag, evidenceKind, limit, cursor } = query;
    return this.queries.execute(new ListLearningsFeedQuery(principal.tenantId, {
      ...(teamId === undefined ? {} : { teamId }),
      ...(cycleId === undefined ? {} : { cycleId }),
      ...(objectiveId === undefined ? {} : { objectiveId }),
      ...(result === undefined ? {} : { result }),
      ...(tag === undefined ? {} : { tag }),
      ...(evidenceKind === undefined ? {} : { evidenceKind }),
    }, { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) }));
  }

  @Get('teams/:teamId/dashboard')
  @Permission('tenant:read')
  @ApiOperation({ summary: "A team's objectives (of one cycle) with progress, confidence and status, at-risk counts and learnings" })
  @ApiOkResponse({ type: TeamDashboardDto })
  dashboard(@Param('teamId') teamId: string, @Query() query: CycleQueryDto, @CurrentPrincipal() principal: Principal): Promise<TeamDashboardDto> {
    return this.queries.execute(new GetTeamDashboardQuery(principal.tenantId, teamId, query.cycleId));
  }
}
