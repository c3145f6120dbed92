import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiViewCatchingUpResponse } from '../http/view-catching-up.response';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import {
  ApiPaginatedResponse,
  CurrentPrincipal,
  IF_MATCH_HEADER,
  Permission,
  ValidationProblem,
  Write,
  setRevisionHeaders,
  type Principal,
  type WriteRequest,
} from '@okr/platform';
import { CheckInCorrectedDto, CheckInItemDto, CheckInRecordedDto, CheckInsQueryDto, CorrectCheckInDto, RecordCheckInDto } from './check-in.dto';
import { CorrectCheckInCommand, RecordCheckInCommand } from './check-in.commands';
import { ListCheckInsQuery, type CheckInsWhen } from './check-in.queries';
import { CheckInResource, KeyResultResource } from '../view/goal.resources';

const uuid = new ParseUUIDPipe();
const instant = (value: string): Date => (value === 'now' ? new Date() : new Date(value));

/** Check-ins: progress and confidence on a key result; corrected by new facts, never edited. */
@ApiTags('check-ins')
@ApiBearerAuth()
@Controller('api/v1')
export class CheckInHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('key-results/:krId/check-ins')
  @ApiViewCatchingUpResponse()
  @Permission('check-in:write', KeyResultResource)
  @ApiHeader({ ...IF_MATCH_HEADER, description: "ETag of the key result's check-ins (GET .../check-ins) you saw; 409 if stale" })
  @ApiOperation({
    summary: "Record a check-in: value, confidence 0-10, note, blockers, and the moment it describes (inside the key result's cycle, not after today)",
  })
  @ApiCreatedResponse({ type: CheckInRecordedDto, description: 'Recorded; ETag is the new revision, Location the list of check-ins' })
  async record(@Param('krId', uuid) keyResultId: string, @Body() body: RecordCheckInDto, @Write() { context, reply, expectedRevision }: WriteRequest) {
    const checkInId = uuidv7();
    const result = await this.commands.execute(new RecordCheckInCommand({ checkInId, keyResultId, ...body }, context, expectedRevision));
    setRevisionHeaders(reply, result.revision, `/api/v1/key-results/${keyResultId}/check-ins`);
    return { id: checkInId, keyResultId, revision: result.revision };
  }

  @Post('check-ins/:id/corrections')
  @ApiViewCatchingUpResponse()
  @Permission('check-in:write', CheckInResource)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: 'Correct a check-in with a reason; the original stays in the record' })
  @ApiCreatedResponse({ type: CheckInCorrectedDto, description: 'Corrected; ETag is the new revision of the key result’s check-ins' })
  async correct(@Param('id', uuid) checkInId: string, @Body() body: CorrectCheckInDto, @Write() write: WriteRequest) {
    const { context, expectedRevision, reply } = write;
    const result = await this.commands.execute(new CorrectCheckInCommand({ checkInId, ...body }, context, expectedRevision));
    setRevisionHeaders(reply, result.revision);
    return { id: checkInId, keyResultId: result.keyResultId, revision: result.revision, events: result.events.map((e) => e.type) };
  }

  @Get('key-results/:krId/check-ins')
  @ApiViewCatchingUpResponse()
  @Permission('tenant:read')
  @ApiOperation({
    summary: 'The check-ins of a key result, oldest first: ?asOf= the corrected truth up to a moment (default now), ?knownAt= what was known then',
  })
  @ApiPaginatedResponse(CheckInItemDto, {
    extra: {
      keyResultId: { type: 'string', format: 'uuid' },
      asOf: { type: 'string', format: 'date-time', description: 'Set when asked as of a moment' },
      knownAt: { type: 'string', format: 'date-time', description: 'Set when asked what was known at a moment' },
      revision: { type: 'integer', description: "The check-in stream's revision (ETag); absent before the first check-in" },
    },
    required: ['keyResultId'],
  })
  async list(
    @Param('krId', uuid) keyResultId: string,
    @Query() query: CheckInsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.asOf !== undefined && query.knownAt !== undefined) {
      throw new ValidationProblem([{ field: 'knownAt', message: 'give asOf or knownAt, not both: they ask two different questions' }]);
    }
    const when: CheckInsWhen =
      query.knownAt !== undefined ? { knownAt: instant(query.knownAt) } : { asOf: instant(query.asOf ?? 'now') };
    const list = await this.queries.execute(new ListCheckInsQuery(principal.tenantId, keyResultId, when, query));
    if (list.revision !== undefined) setRevisionHeaders(reply, list.revision);
    return list;
  }
}
