import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, Permission, ValidationProblem, mapPage, type Principal } from '@okr/platform';
import { pageCollection } from '@okr/read-store';
import { FOLLOW_KINDS, NotificationsStore, type FollowDoc, type FollowKind } from '../store/notifications.store';
import { notFound } from './access';
import { FollowItemDto } from './responses.dto';
import { FollowDto } from './notifications.dto';

const followId = (tenantId: string, userId: string, kind: string, targetId: string): string => `${tenantId}|${userId}|${kind}|${targetId}`;
const view = (f: FollowDoc) => ({ kind: f.kind, targetId: f.targetId, since: f.since });

/** Following an objective or a team: its learnings and its grade reach you too. */
@ApiTags('follows')
@ApiBearerAuth()
@Controller('api/v1/follows')
export class FollowsHttpController {
  constructor(private readonly store: NotificationsStore) {}

  @Post()
  @Permission('self:write')
  @ApiOperation({ summary: 'Follow an objective of the tenant (404 otherwise) or a team (following twice changes nothing)' })
  @ApiCreatedResponse({ type: FollowItemDto, description: 'Followed (since the first time, when it already was)' })
  async follow(@Body() body: FollowDto, @CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    // Only an objective of the caller's own tenant can be followed (as this service's view knows it).
    if (body.kind === 'objective' && !(await c.objectives.findOne({ _id: body.targetId, tenantId: principal.tenantId }))) {
      throw notFound('objective', 'No such objective in this tenant (a new one can take a moment to be known here).', { objectiveId: body.targetId });
    }
    const _id = followId(principal.tenantId, principal.userId, body.kind, body.targetId);
    const existing = await c.follows.findOne({ _id });
    if (existing) return view(existing);
    const doc: FollowDoc = {
      _id,
      tenantId: principal.tenantId,
      userId: principal.userId,
      kind: body.kind,
      targetId: body.targetId,
      since: new Date().toISOString(),
    };
    await c.follows.updateOne({ _id }, { $set: doc }, { upsert: true });
    return view(doc);
  }

  @Get()
  @Permission('tenant:read')
  @ApiOperation({ summary: 'What the caller follows' })
  @ApiPaginatedResponse(FollowItemDto)
  async list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    const c = await this.store.collections();
    const mine = { tenantId: principal.tenantId, userId: principal.userId };
    return mapPage(await pageCollection(c.follows, mine, query, { list: 'follows', sortBy: 'since', order: 'asc' }), view);
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
    const c = await this.store.collections();
    await c.follows.deleteMany({ _id: followId(principal.tenantId, principal.userId, kind, targetId) });
  }
}
