import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Permission, type Principal } from '@okr/platform';
import { ProjectionAuditReportDto, RebuildProgressDto, RebuildStartedDto, StartRebuildDto } from './admin.dto';
import { AuditProjectionsQuery, GetRebuildProgressQuery } from './admin.queries';
import { StartRebuildCommand } from './rebuild.commands';

/**
 * Operating the read models. A tenant's admin rebuilds their own tenant's documents of a read model;
 * rebuilding every tenant's documents (`/platform/rebuilds`) and the projection audit (its answers
 * name every tenant's streams) need the platform `operator` role.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1')
export class AdminHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('admin/rebuilds')
  @Permission('tenant:admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Rebuild the caller's tenant's documents of a read model from the log beside the live ones, then replace them in one transaction; 202 with its progress",
  })
  @ApiAcceptedResponse({ type: RebuildStartedDto })
  startForTenant(@Body() body: StartRebuildDto, @CurrentPrincipal() principal: Principal): Promise<RebuildStartedDto> {
    return this.commands.execute(new StartRebuildCommand(body.readModel, { scope: 'tenant', tenantId: principal.tenantId }));
  }

  @Get('admin/rebuilds/:id')
  @Permission('operations:read')
  @ApiOperation({ summary: "A rebuild of the caller's tenant: running, switched or failed, events processed, position and head" })
  @ApiOkResponse({ type: RebuildProgressDto })
  tenantProgress(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<RebuildProgressDto> {
    return this.queries.execute(new GetRebuildProgressQuery(id, principal.tenantId));
  }

  @Post('platform/rebuilds')
  @Permission('platform:operate')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Rebuild a read model from the start of the log beside the live one, then switch (every tenant's documents); 202 with its progress" })
  @ApiAcceptedResponse({ type: RebuildStartedDto })
  startForAll(@Body() body: StartRebuildDto): Promise<RebuildStartedDto> {
    return this.commands.execute(new StartRebuildCommand(body.readModel, { scope: 'all' }));
  }

  @Get('platform/rebuilds/:id')
  @Permission('platform:operate')
  @ApiOperation({ summary: "Any rebuild's progress, of every tenant or of one: running, switched or failed, events processed, position and head" })
  @ApiOkResponse({ type: RebuildProgressDto })
  progress(@Param('id') id: string): Promise<RebuildProgressDto> {
    return this.queries.execute(new GetRebuildProgressQuery(id));
  }

  @Get('admin/projection-audit')
  @Permission('platform:operate')
  @ApiOperation({ summary: "Compare every read model's applied revision per stream with the log's; drift = a missed or doubled event" })
  @ApiOkResponse({ type: ProjectionAuditReportDto })
  projectionAudit(): Promise<ProjectionAuditReportDto> {
    return this.queries.execute(new AuditProjectionsQuery());
  }
}
