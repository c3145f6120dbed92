import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@okr/platform';
import { StartRebuildDto } from './admin.dto';
import { ProjectionAuditService } from './projection-audit.service';
import { RebuildService } from './rebuilds.service';

/**
 * Operating the read models: rebuilds and the projection audit. Both act on EVERY tenant (the read
 * models hold all tenants; the answers name streams, never documents), so they need the platform
 * `operator` role: a tenant's admin may not rebuild or inspect other tenants' data.
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
  @Permission('platform:operate')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Rebuild a read model from the start of the log beside the live one, then switch (all tenants); 202 with its progress' })
  start(@Body() body: StartRebuildDto) {
    const { id, readModel, status } = this.rebuilds.start(body.readModel);
    return { id, readModel, status };
  }

  @Get('rebuilds/:id')
  @Permission('platform:operate')
  @ApiOperation({ summary: "A rebuild's progress: running, switched or failed, events processed, position and head" })
  progress(@Param('id') id: string) {
    return this.rebuilds.get(id);
  }

  @Get('projection-audit')
  @Permission('platform:operate')
  @ApiOperation({ summary: "Compare every read model's applied revision per stream with the log's; drift = a missed or doubled event" })
  projectionAudit() {
    return this.audit.run();
  }
}
