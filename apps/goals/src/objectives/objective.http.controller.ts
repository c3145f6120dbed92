import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import type { KeyResultMeasure, KeyResultTarget } from '@okr/okr-domain';
import {
  AddKeyResultDto,
  AlignObjectiveDto,
  ArchiveObjectiveDto,
  AsOfQueryDto,
  CarryOverObjectiveDto,
  CorrectGradeDto,
  DropKeyResultDto,
  GradeAndCloseDto,
  ReviseTargetDto,
  RewordObjectiveDto,
  SetObjectiveDto,
  TransferOwnershipDto,
  WithdrawAlignmentDto,
} from './objective.dto';
import { CarryOverObjectiveCommand } from './carry-over.command';
import { ExecuteObjectiveCommand, type ObjectiveCommandInput } from './objective.commands';
import { ListObjectivesQueryDto, ObjectiveListItemDto } from './objective-list.dto';
import { ListObjectivesQuery } from './objective-list.queries';
import { GetObjectiveHistoryQuery, GetObjectiveQuery } from './objective.queries';
import { ObjectiveResource, TeamOfNewObjective } from './objective.resources';
import { KeyResultAddedDto, ObjectiveCarriedOverDto, ObjectiveChangedDto, ObjectiveDto, ObjectiveSetDto } from './objective.responses';

const uuid = new ParseUUIDPipe();
const IF_MATCH = IF_MATCH_HEADER;

/** Objectives: each POST records one past-tense fact in the objective's stream. */
@ApiTags('objectives')
@ApiBearerAuth()
@Controller('api/v1/objectives')
export class ObjectiveHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Permission('objective:create', TeamOfNewObjective)
  @ApiOperation({ summary: 'Set an objective for a team in a cycle, optionally aligned to parent objectives' })
  @ApiCreatedResponse({ type: ObjectiveSetDto, description: 'Set' })
  async set(@Body() body: SetObjectiveDto, @Write() { context, principal, reply }: WriteRequest) {
    const objectiveId = uuidv7();
    const { parentObjectiveIds = [], ownerId, ...rest } = body;
    const commands: ObjectiveCommandInput[] = [
      { type: 'SetObjective', data: { objectiveId, ...rest, ownerId: ownerId ?? principal.userId } },
      ...parentObjectiveIds.map((parentObjectiveId) => ({ type: 'AlignObjective' as const, data: { parentObjectiveId } })),
    ];
    const result = await this.commands.execute(
      new ExecuteObjectiveCommand(objectiveId, commands, context),
    );
    setRevisionHeaders(reply, result.revision, `/api/v1/objectives/${objectiveId}`);
    return { id: objectiveId, revision: result.revision };
  }

  @Get()
  @Permission('tenant:read')
  @ApiOperation({
    summary: 'The objectives of the tenant, newest first, by cycle, team, owner, status or words',
    description:
      'Read from a list kept from the objectives\' events: a change shows here moments after its write ' +
      '(GET /objectives/{id} is always current).',
  })
  @ApiPaginatedResponse(ObjectiveListItemDto)
  list(@Query() query: ListObjectivesQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListObjectivesQuery(principal.tenantId, query));
  }

  @Get(':id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'The objective now, or as it stood at ?asOf=' })
  @ApiOkResponse({ type: ObjectiveDto, description: 'The objective (ETag: its revision, when not asOf)' })
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const asOf = query.asOf ? new Date(query.asOf) : undefined;
    const view = await this.queries.execute(new GetObjectiveQuery(principal.tenantId, id, asOf));
    if (!asOf) setRevisionHeaders(reply, view.revision);
    return view;
  }

  @Get(':id/history')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'Every event of the objective, oldest first: type, actor, time, reason, data' })
  @ApiPaginatedResponse(HistoryEntryDto)
  history(@Param('id', uuid) id: string, @Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetObjectiveHistoryQuery(principal.tenantId, id, query));
  }

  @Post(':id/rewordings')
  @Permission('objective:write', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  reword(@Param('id', uuid) id: string, @Body() body: RewordObjectiveDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'RewordObjective', data: body }, write);
  }

  @Post(':id/alignments')
  @Permission('objective:write', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Align to a parent objective (refused if it would close a loop)' })
  @ApiCreatedResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  align(@Param('id', uuid) id: string, @Body() body: AlignObjectiveDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'AlignObjective', data: body }, write);
  }

  @Post(':id/alignment-withdrawals')
  @Permission('objective:write', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  withdrawAlignment(@Param('id', uuid) id: string, @Body() body: WithdrawAlignmentDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'WithdrawAlignment', data: body }, write);
  }

  @Post(':id/key-results')
  @Permission('objective:write', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: KeyResultAddedDto, description: 'Added' })
  async addKeyResult(@Param('id', uuid) id: string, @Body() body: AddKeyResultDto, @Write() write: WriteRequest) {
    const keyResultId = uuidv7();
    const { title, ownerId, ...numbers } = body;
    const data = { keyResultId, title, measure: measureOf(numbers), ...(ownerId ? { ownerId } : {}) };
    const result = await this.run(id, { type: 'AddKeyResult', data }, write);
    write.reply.header('Location', `/api/v1/objectives/${id}/key-results/${keyResultId}`);
    return { ...result, id: keyResultId, objectiveId: id };
  }

  @Post(':id/key-results/:krId/target-revisions')
  @Permission('objective:write', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  reviseTarget(
    @Param('id', uuid) id: string,
    @Param('krId', uuid) keyResultId: string,
    @Body() body: ReviseTargetDto,
    @Write() write: WriteRequest,
  ) {
    const { reason, ...numbers } = body;
    return this.run(id, { type: 'ReviseKeyResultTarget', data: { keyResultId, to: targetOf(numbers), reason } }, write);
  }

  @Post(':id/key-results/:krId/drop')
  @Permission('objective:write', ObjectiveResource)
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  dropKeyResult(
    @Param('id', uuid) id: string,
    @Param('krId', uuid) keyResultId: string,
    @Body() body: DropKeyResultDto,
    @Write() write: WriteRequest,
  ) {
    return this.run(id, { type: 'DropKeyResult', data: { keyResultId, reason: body.reason } }, write);
  }

  @Post(':id/ownership-transfers')
  @Permission('objective:transfer-ownership', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  transferOwnership(@Param('id', uuid) id: string, @Body() body: TransferOwnershipDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'TransferOwnership', data: body }, write);
  }

  @Post(':id/activation')
  @Permission('objective:write', ObjectiveResource)
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  activate(@Param('id', uuid) id: string, @Write() write: WriteRequest) {
    return this.run(id, { type: 'ActivateObjective', data: {} }, write);
  }

  @Post(':id/grading')
  @Permission('objective:write', ObjectiveResource)
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Grade every key result (0.0-1.0) with a retrospective, and close' })
  @ApiOkResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  grade(@Param('id', uuid) id: string, @Body() body: GradeAndCloseDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'GradeAndClose', data: body }, write);
  }

  @Post(':id/grade-corrections')
  @Permission('objective:write', ObjectiveResource)
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Correct the grades of a graded objective with a reason; the first grading stays in the record' })
  @ApiOkResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  correctGrade(@Param('id', uuid) id: string, @Body() body: CorrectGradeDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'CorrectGrade', data: body }, write);
  }

  @Post(':id/archival')
  @Permission('objective:write', ObjectiveResource)
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ObjectiveChangedDto, description: 'Recorded' })
  archive(@Param('id', uuid) id: string, @Body() body: ArchiveObjectiveDto, @Write() write: WriteRequest) {
    return this.run(id, { type: 'ArchiveObjective', data: body }, write);
  }

  @Post(':id/carry-over')
  @Permission('objective:write', ObjectiveResource)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Carry an unfinished objective of an ended cycle over to a later cycle, with its key results and a reason' })
  @ApiCreatedResponse({ type: ObjectiveCarriedOverDto, description: 'Carried over' })
  async carryOver(@Param('id', uuid) id: string, @Body() body: CarryOverObjectiveDto, @Write() write: WriteRequest) {
    const { context, expectedRevision, reply } = write;
    const result = await this.commands.execute(new CarryOverObjectiveCommand(id, body.toCycleId, body.reason, context, expectedRevision));
    setRevisionHeaders(reply, result.revision, `/api/v1/objectives/${result.id}`);
    return { id: result.id, cycleId: result.cycleId, revision: result.revision, carriedOverFrom: { objectiveId: id, revision: result.fromRevision }, keyResults: result.keyResults };
  }

  private async run(objectiveId: string, command: ObjectiveCommandInput, write: WriteRequest) {
    const { context, expectedRevision, reply } = write;
    const result = await this.commands.execute(
      new ExecuteObjectiveCommand(objectiveId, [command], context, expectedRevision),
    );
    setRevisionHeaders(reply, result.revision);
    return { id: objectiveId, revision: result.revision, events: result.events.map((e) => e.type) };
  }
}

function measureOf(dto: Omit<AddKeyResultDto, 'title' | 'ownerId'>): KeyResultMeasure {
  const unit = dto.unit !== undefined ? { unit: dto.unit } : {};
  const start = dto.start !== undefined ? { start: dto.start } : {};
  switch (dto.kind) {
    case 'increase':
    case 'decrease':
      return { kind: dto.kind, start: dto.start as number, target: dto.target as number, ...unit };
    case 'stay-at-or-above':
    case 'stay-at-or-below':
      return { kind: dto.kind, threshold: dto.threshold as number, ...start, ...unit };
    case 'stay-within-range':
      return { kind: dto.kind, min: dto.min as number, max: dto.max as number, ...start, ...unit };
    case 'milestone':
      return { kind: 'milestone' };
  }
}

function targetOf(dto: Omit<ReviseTargetDto, 'reason'>): KeyResultTarget {
  if (dto.target !== undefined) return { target: dto.target };
  if (dto.threshold !== undefined) return { threshold: dto.threshold };
  return { min: dto.min as number, max: dto.max as number };
}
