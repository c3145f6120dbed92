import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, Permission, ValidationProblem, type Principal } from '@okr/platform';
import { FollowCommand, UnfollowCommand } from '../follows/follow.commands';
import { ListFollowsQuery } from '../follows/follow.queries';
import { FOLLOW_KINDS, type FollowKind } from '../store/notifications.store';
import { FollowItemDto } from './responses.dto';
import { FollowDto } from './notifications.dto';

/** Following an objective or a team: its learnings and its grade reach you too. */
@ApiTags('follows')
@ApiBearerAuth()
@Controller('api/v1/follows')
export class FollowsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Permission('self:write')
  @ApiOperation({ summary: 'Follow an objective of the tenant (404 otherwise) or a team (following twice changes nothing)' })
  @ApiCreatedResponse({ type: FollowItemDto, description: 'Followed (since the first time, when it already was)' })
  follow(@Body() body: FollowDto, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new FollowCommand(principal, body.kind, body.targetId));
  }

  @Get()
  @Permission('tenant:read')
  @ApiOperation({ summary: 'What the caller follows' })
  @ApiPaginatedResponse(FollowItemDto)
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListFollowsQuery(principal.tenantId, principal.userId, query));
  }

  @Delete(':kind/:targetId')
  @Permission('self:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop following (204 whether or not it was followed)' })
  @ApiNoContentResponse({ description: 'Not followed (any more)' })
  async unfollow(@Param('kind') kind: string, @Param('targetId') targetId: string, @CurrentPrincipal() principal: Principal) {
    if (!FOLLOW_KINDS.includes(kind as FollowKind)) {
      throw new ValidationProblem([{ field: 'kind', message: `kind must be one of: ${FOLLOW_KINDS.join(', ')}` }]);
    }
    await this.commands.execute(new UnfollowCommand(principal, kind as FollowKind, targetId));
  }
}
