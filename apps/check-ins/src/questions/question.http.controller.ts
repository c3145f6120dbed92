import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiViewCatchingUpResponse } from '../http/view-catching-up.response';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { QuestionSubject } from '@okr/okr-domain';
import { ApiPaginatedResponse, CurrentPrincipal, IF_MATCH_HEADER, Permission, Write, setRevisionHeaders, type Principal, type WriteRequest } from '@okr/platform';
import { AnswerQuestionDto, AskQuestionDto, QuestionDto, QuestionItemDto, QuestionsQueryDto, SetQuestionAsideDto } from './question.dto';
import { ChangeAnswerDto, WriteAnswerDto } from '../http/write-answer.dto';
import { AskQuestionCommand, FollowUpQuestionCommand, type FollowUp } from './question.commands';
import { GetQuestionQuery, ListObjectiveQuestionsQuery } from './question.queries';
import { QuestionResource } from '../view/goal.resources';

const uuid = new ParseUUIDPipe();

/** Questions: anyone in the tenant asks about an objective, a key result or a learning; the owning team answers. */
@ApiTags('questions')
@ApiBearerAuth()
@Controller('api/v1')
export class QuestionHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('objectives/:id/questions')
  @ApiViewCatchingUpResponse()
  @Permission('question:ask')
  @ApiOperation({ summary: 'Ask the team a question about an objective' })
  @ApiCreatedResponse({ type: WriteAnswerDto, description: 'Asked; Location is the question' })
  askOnObjective(@Param('id', uuid) id: string, @Body() body: AskQuestionDto, @Write() write: WriteRequest) {
    return this.ask('objective', id, body, write);
  }

  @Post('key-results/:krId/questions')
  @ApiViewCatchingUpResponse()
  @Permission('question:ask')
  @ApiOperation({ summary: 'Ask the team a question about a key result' })
  @ApiCreatedResponse({ type: WriteAnswerDto, description: 'Asked; Location is the question' })
  askOnKeyResult(@Param('krId', uuid) id: string, @Body() body: AskQuestionDto, @Write() write: WriteRequest) {
    return this.ask('key-result', id, body, write);
  }

  @Post('learnings/:id/questions')
  @Permission('question:ask')
  @ApiOperation({ summary: 'Ask the team a question about a learning' })
  @ApiCreatedResponse({ type: WriteAnswerDto, description: 'Asked; Location is the question' })
  askOnLearning(@Param('id', uuid) id: string, @Body() body: AskQuestionDto, @Write() write: WriteRequest) {
    return this.ask('learning', id, body, write);
  }

  @Post('questions/:id/answers')
  @Permission('question:answer', QuestionResource)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: 'Answer a question (a member of the owning team, or an admin)' })
  @ApiCreatedResponse({ type: ChangeAnswerDto, description: 'Answered (events: QuestionAnswered)' })
  answer(@Param('id', uuid) id: string, @Body() body: AnswerQuestionDto, @Write() write: WriteRequest) {
    return this.followUp(id, { type: 'AnswerQuestion', data: { text: body.text } }, write);
  }

  @Post('questions/:id/set-aside')
  @Permission('question:answer', QuestionResource)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOperation({ summary: 'Set an open question aside as useful for later (a member of the owning team, or an admin)' })
  @ApiCreatedResponse({ type: ChangeAnswerDto, description: 'Set aside (events: QuestionSetAside)' })
  setAside(@Param('id', uuid) id: string, @Body() body: SetQuestionAsideDto, @Write() write: WriteRequest) {
    return this.followUp(id, { type: 'SetQuestionAside', data: body.note === undefined ? {} : { note: body.note } }, write);
  }

  @Get('questions/:id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'A question with its answers' })
  @ApiOkResponse({ type: QuestionDto, description: 'The question; ETag is its revision' })
  async get(@Param('id', uuid) id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const question = await this.queries.execute(new GetQuestionQuery(principal.tenantId, id));
    setRevisionHeaders(reply, question.revision);
    return question;
  }

  @Get('objectives/:id/questions')
  @ApiViewCatchingUpResponse()
  @Permission('tenant:read')
  @ApiOperation({ summary: 'The questions of an objective, its key results and its learnings, with their answers' })
  @ApiPaginatedResponse(QuestionItemDto)
  list(@Param('id', uuid) id: string, @Query() query: QuestionsQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListObjectiveQuestionsQuery(principal.tenantId, id, query));
  }

  private async ask(subject: QuestionSubject, subjectId: string, body: AskQuestionDto, { context, reply }: WriteRequest) {
    const questionId = uuidv7();
    const result = await this.commands.execute(new AskQuestionCommand(questionId, subject, subjectId, body.text, context));
    setRevisionHeaders(reply, result.revision, `/api/v1/questions/${questionId}`);
    return { id: questionId, revision: result.revision };
  }

  private async followUp(questionId: string, followUp: FollowUp, { context, expectedRevision, reply }: WriteRequest) {
    const result = await this.commands.execute(new FollowUpQuestionCommand(questionId, followUp, context, expectedRevision));
    setRevisionHeaders(reply, result.revision);
    return { id: questionId, revision: result.revision, events: result.events.map((e) => e.type) };
  }
}
