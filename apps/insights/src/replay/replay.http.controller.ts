import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiPaginatedResponse, Permission, CurrentPrincipal, ValidationProblem, type Principal } from '@okr/platform';
import { AS_OF_MESSAGE, ReplayLearningDto, ReplayObjectiveDto, ReplayQueryDto, ReplayQuestionDto } from './replay.dto';
import { ReplayQuery } from './replay.queries';
import type { ReplayPage } from './replay-timeline';

/** Replay: the organisation's OKRs and learnings as they stood at any instant, a page of objectives at a time. */
@ApiTags('replay')
@ApiBearerAuth()
@Controller('api/v1')
export class ReplayHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('replay')
  @Permission('tenant:read')
  @ApiOperation({
    summary:
      'Objectives (a page, in the order they were set), key results, progress, confidence, learnings and questions as they stood at ?asOf=, optionally of one team, cycle or subtree; check-ins as known then or as corrected since (?checkIns=)',
  })
  @ApiExtraModels(ReplayLearningDto, ReplayQuestionDto)
  @ApiPaginatedResponse(ReplayObjectiveDto, {
    description: 'One page of the objectives as they stood at the instant, with the learnings and questions about them',
    extra: {
      asOf: { type: 'string', format: 'date-time', description: 'The instant replayed' },
      learnings: {
        type: 'array',
        items: { $ref: getSchemaPath(ReplayLearningDto) },
        description: "About this page's objectives, in the order they were captured; the first page also has those about no objective shown on any page",
      },
      questions: {
        type: 'array',
        items: { $ref: getSchemaPath(ReplayQuestionDto) },
        description: "About this page's objectives, in the order they were asked; the first page also has those about no objective shown on any page",
      },
    },
    required: ['asOf', 'learnings', 'questions'],
  })
  replay(@Query() query: ReplayQueryDto, @CurrentPrincipal() principal: Principal): Promise<ReplayPage> {
    const asOf = new Date(query.asOf);
    // The pattern lets through impossible dates such as 2026-13-45.
    if (Number.isNaN(asOf.getTime())) throw new ValidationProblem([{ field: 'asOf', message: AS_OF_MESSAGE }]);
    const { teamId, cycleId, subtreeOf, checkIns = 'known', limit, cursor } = query;
    const filter = {
      ...(teamId === undefined ? {} : { teamId }),
      ...(cycleId === undefined ? {} : { cycleId }),
      ...(subtreeOf === undefined ? {} : { subtreeOf }),
    };
    const page = { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) };
    return this.queries.execute(new ReplayQuery(principal.tenantId, asOf, filter, page, checkIns));
  }
}
