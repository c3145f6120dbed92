import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiViewCatchingUpResponse } from '../http/view-catching-up.response';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import {
  ApiPaginatedResponse,
  CurrentPrincipal,
  HistoryEntryDto,
  IF_MATCH_HEADER,
  ListQueryDto,
  Permission,
  Write,
  setRevisionHeaders,
  type Principal,
  type WriteRequest,
} from '@okr/platform';
import { AcknowledgeLearningDto, CaptureLearningDto, LearningDto, LearningItemDto, ReviseLearningDto } from './learning.dto';
import { ChangeAnswerDto, WriteAnswerDto } from '../http/write-answer.dto';
import { ExecuteLearningCommand, type LearningCommandInput } from './learning.commands';
import { GetLearningHistoryQuery, GetLearningQuery, ListLearningsQuery } from './learning.queries';
import { LearningResource, NewLearningResource } from '../view/goal.resources';

const uuid = new ParseUUIDPipe();

/** Learnings: what was tried, what came of it (invalidated included), the insight and its evidence. */
@ApiTags('learnings')
@ApiBearerAuth()
@Controller('api/v1')
export class LearningHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('learnings')
  @ApiViewCatchingUpResponse()
  @Permission('learning:capture', NewLearningResource)
  @ApiOperation({ summary: 'Capture a learning, linked to an objective and/or key results, with evidence' })
  @ApiCreatedResponse({ type: WriteAnswerDto, description: 'Captured; Location is the learning' })
  async capture(@Body() body: CaptureLearningDto, @Write() { context, principal, reply }: WriteRequest) {
    const learningId = uuidv7();
    const { keyResultIds = [], evidence = [], tags = [], ...rest } = body;
    const data = { learningId, ...rest, keyResultIds, evidence: evidence.map((e) => ({ ...e })), tags, author: principal.userId };
    const result = await this.commands.execute(new ExecuteLearningCommand(learningId, { type: 'CaptureLearning', data }, context));
    setRevisionHeaders(reply, result.revision, `/api/v1/learnings/${learningId}`);
    return { id: learningId, revision: result.revision };
  }

  @Get('learnings/:id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'A learning now, with who acknowledged it' })
  @ApiOkResponse({ type: LearningDto, description: 'The learning; ETag is its revision' })
  async get(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queries.execute(new GetLearningQuery(principal.tenantId, id));
    setRevisionHeaders(reply, view.revision);
    return view;
  }

  @Get('learnings/:id/history')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'Every event of the learning, oldest first: type, actor, time, reason, data' })
  @ApiPaginatedResponse(HistoryEntryDto)
  history(@Param('id', uuid) id: string, @Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetLearningHistoryQuery(principal.tenantId, id, query));
  }

  @Post('learnings/:id/revisions')
  @ApiViewCatchingUpResponse()
  @Permission('learning:revise', LearningResource)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: 'Revise a learning with a reason; the earlier version stays in its history' })
  @ApiCreatedResponse({ type: ChangeAnswerDto, description: 'Revised (events: LearningRevised)' })
  revise(@Param('id', uuid) id: string, @Body() body: ReviseLearningDto, @Write() write: WriteRequest) {
    const { reason, evidence, ...changes } = body;
    return this.run(
      id,
      { type: 'ReviseLearning', data: { changes: { ...changes, ...(evidence ? { evidence: evidence.map((e) => ({ ...e })) } : {}) }, reason } },
      write,
    );
  }

  @Post('learnings/:id/acknowledgements')
  @Permission('learning:acknowledge')
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: "Acknowledge someone else's learning (the caller is the one acknowledging)" })
  @ApiCreatedResponse({ type: ChangeAnswerDto, description: 'Acknowledged (events: LearningAcknowledged)' })
  acknowledge(@Param('id', uuid) id: string, @Body() body: AcknowledgeLearningDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'AcknowledgeLearning', data: { by: write.principal.userId, ...body } }, write);
  }

  @Get('objectives/:id/learnings')
  @ApiViewCatchingUpResponse()
  @Permission('tenant:read')
  @ApiOperation({ summary: 'The learnings of an objective, oldest first' })
  @ApiPaginatedResponse(LearningItemDto)
  ofObjective(@Param('id', uuid) objectiveId: string, @Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListLearningsQuery(principal.tenantId, { objectiveId }, query));
  }

  @Get('key-results/:krId/learnings')
  @ApiViewCatchingUpResponse()
  @Permission('tenant:read')
  @ApiOperation({ summary: 'The learnings about a key result, oldest first' })
  @ApiPaginatedResponse(LearningItemDto)
  ofKeyResult(@Param('krId', uuid) keyResultId: string, @Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListLearningsQuery(principal.tenantId, { keyResultId }, query));
  }

  private async run(learningId: string, command: LearningCommandInput, write: WriteRequest) {
    const { context, expectedRevision, reply } = write;
    const result = await this.commands.execute(new ExecuteLearningCommand(learningId, command, context, expectedRevision));
    setRevisionHeaders(reply, result.revision);
    return { id: learningId, revision: result.revision, events: result.events.map((e) => e.type) };
  }
}
