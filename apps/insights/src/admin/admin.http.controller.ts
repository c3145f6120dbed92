import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ForbiddenProblem, type Principal } from '@okr/platform';
import { StartRebuildDto } from './admin.dto';
import { ProjectionAuditService } from './projection-audit.service';
import { RebuildService } from './rebuilds.service';

/** The role the admin endpoints require. */
export const ADMIN_ROLE = 'admin';

const requireAdmin = (principal: Principal): void => {
  if (!principal.roles.includes(ADMIN_ROLE)) {
    throw new ForbiddenProblem(`The ${ADMIN_ROLE} role is required to operate the read models.`, 'admin-role-required');
  }
};

/**
 * Operating the read models: rebuilds and the projection audit. Admin role only. Both act on EVERY
 * tenant (the read models hold all tenants; the answers name streams, never documents).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class AdminHttpController {
  constructor(
    private readonly rebuilds: RebuildService,
    private readonly audit: ProjectionAuditService,
  ) {}

  @Post('rebuilds')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Rebuild a read model from the start of the log beside the live one, then switch (all tenants); 202 with its progress' })
  start(@Body() body: StartRebuildDto, @CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    const { id, readModel, status } = this.rebuilds.start(body.readModel);
    return { id, readModel, status };
  }

  @Get('rebuilds/:id')
  @ApiOperation({ summary: "A rebuild's progress: running, switched or failed, events processed, position and head" })
  progress(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    return this.rebuilds.get(id);
  }

  @Get('projection-audit')
  @ApiOperation({ summary: "Compare every read model's applied revision per stream with the log's; drift = a missed or doubled event" })
  projectionAudit(@CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    return this.audit.run();
  }
}
