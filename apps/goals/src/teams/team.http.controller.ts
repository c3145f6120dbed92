import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiPaginatedResponse, CurrentPrincipal, ListQueryDto, Permission, ValidationProblem, Write, setRevisionHeaders, type Principal, type WriteRequest } from '@okr/platform';
import { TEAM_ID_PATTERN } from '@okr/okr-domain';
import { DescribeTeamCommand } from './team.commands';
import { DescribeTeamDto, TEAM_ID_PARAM_MESSAGE, TeamDescribedDto, TeamItemDto } from './team.dto';
import { GetTeamQuery, ListTeamsQuery } from './team.queries';

const teamIdOf = (id: string): string => {
  if (!TEAM_ID_PATTERN.test(id)) throw new ValidationProblem([{ field: 'id', message: TEAM_ID_PARAM_MESSAGE }]);
  return id;
};

/**
 * The teams registry. `PUT /teams/{id}` is the one write: an admin's edit, or an identity provider
 * sync job sending each group as it is (idempotent: the same description twice records nothing).
 */
@ApiTags('teams')
@ApiBearerAuth()
@Controller('api/v1/teams')
export class TeamHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @Permission('tenant:read')
  @ApiOperation({ summary: "The tenant's registered teams by id: display name, parent team, leads" })
  @ApiPaginatedResponse(TeamItemDto)
  list(@Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new ListTeamsQuery(principal.tenantId, query));
  }

  @Get(':id')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'A registered team' })
  @ApiOkResponse({ type: TeamItemDto, description: 'The team (ETag: its revision)' })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const { revision, ...team } = await this.queries.execute(new GetTeamQuery(principal.tenantId, teamIdOf(id)));
    setRevisionHeaders(reply, revision);
    return team;
  }

  @Put(':id')
  @Permission('tenant:admin')
  @ApiOperation({ summary: 'Register a team or change it to this description (admin; idempotent, for identity-provider sync)' })
  @ApiOkResponse({ type: TeamDescribedDto, description: 'Registered or changed (or already so)' })
  async describe(@Param('id') id: string, @Body() body: DescribeTeamDto, @Write() { context, reply }: WriteRequest) {
    const teamId = teamIdOf(id);
    const result = await this.commands.execute(new DescribeTeamCommand({ teamId, ...body }, context));
    setRevisionHeaders(reply, result.revision, `/api/v1/teams/${teamId}`);
    return { id: teamId, revision: result.revision, changes: result.events.map((event) => event.type) };
  }
}
