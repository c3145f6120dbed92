import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@okr/platform';
import { GetAuditTrailQuery } from './audit.queries';

/** Audit: who changed what, when and why, for any objective, cycle, check-ins, learning or question stream. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('audit/:streamId')
  @ApiOperation({ summary: 'Every event of an objective-*, cycle-*, checkins-*, learning-* or question-* stream: type, revision, actor, time, reason, data' })
  audit(@Param('streamId') streamId: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetAuditTrailQuery(principal.tenantId, streamId));
  }
}
