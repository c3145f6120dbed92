import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiViewCatchingUpResponse } from '../http/view-catching-up.response';
import { v7 as uuidv7 } from 'uuid';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, NotIdempotentlyStored, Permission, ValidationProblem, Write, type Principal, type WriteRequest } from '@okr/platform';
import { ChangeServiceAccountsCommand, ListServiceAccountsQuery, publicAccount, type RegistryChange } from './service-account.commands';
import { CreateServiceAccountDto, RevokeServiceAccountDto, ServiceAccountChangedDto, ServiceAccountItemDto, ServiceAccountKeyIssuedDto } from './service-account.dto';

const uuid = new ParseUUIDPipe();

/**
 * Service accounts (admin): one per data source, scoped to teams or key results. The API key is shown
 * once, on creation and on rotation; those answers are never kept for Idempotency-Key replays.
 */
@ApiTags('service-accounts')
@ApiBearerAuth()
@Controller('api/v1/service-accounts')
export class ServiceAccountHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiViewCatchingUpResponse()
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @ApiOperation({ summary: 'Create a service account for a data source; its API key is shown once' })
  @ApiCreatedResponse({ type: ServiceAccountKeyIssuedDto, description: 'Created, with its API key (shown once); Location is the account' })
  async create(@Body() body: CreateServiceAccountDto, @Write() write: WriteRequest) {
    const scope = { teams: body.scope.teams ?? [], keyResultIds: body.scope.keyResultIds ?? [] };
    if (scope.teams.length === 0 && scope.keyResultIds.length === 0) {
      throw new ValidationProblem([{ field: 'scope', message: 'scope must name at least one team or key result' }]);
    }
    const serviceAccountId = uuidv7();
    const result = await this.change({ type: 'create', serviceAccountId, name: body.name, scope }, write);
    write.reply.header('Location', `/api/v1/service-accounts/${serviceAccountId}`);
    return result;
  }

  @Get()
  @Permission('operations:read')
  @ApiOperation({ summary: "The tenant's service accounts, in creation order, without keys" })
  @ApiPaginatedResponse(ServiceAccountItemDto)
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListServiceAccountsQuery(principal.tenantId, query));
  }

  @Post(':id/key-rotations')
  @Permission('tenant:admin')
  @NotIdempotentlyStored()
  @ApiOperation({ summary: 'Give the service account a new API key (shown once); the old one stops working' })
  @ApiCreatedResponse({ type: ServiceAccountKeyIssuedDto, description: 'The account with its new API key (shown once)' })
  rotate(@Param('id', uuid) id: string, @Write() write: WriteRequest) {
    return this.change({ type: 'rotate', serviceAccountId: id }, write);
  }

  @Post(':id/revocation')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Revoke a service account: its key stops working (within OKR_API_KEY_CACHE_SECONDS)' })
  @ApiOkResponse({ type: ServiceAccountChangedDto, description: 'Revoked: the account without a key' })
  revoke(@Param('id', uuid) id: string, @Body() body: RevokeServiceAccountDto, @Write() write: WriteRequest) {
    return this.change({ type: 'revoke', serviceAccountId: id, reason: body.reason }, write);
  }

  private async change(change: RegistryChange, { context }: WriteRequest) {
    const { account, apiKey, revision } = await this.commands.execute(new ChangeServiceAccountsCommand(change, context));
    return { ...publicAccount(account), ...(apiKey ? { apiKey } : {}), revision };
  }
}
