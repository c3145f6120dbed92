import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, CurrentPrincipal, type Principal } from '@okr/platform';
import { KeyResultRiskDto } from './risk.dto';
import { GetKeyResultRiskQuery } from './risk.queries';

/** The derived risk of a key result, as published on `okr.insights.v1`. */
@ApiTags('views')
@ApiBearerAuth()
@Controller('api/v1')
export class RiskHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('key-results/:krId/risk')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'Whether a key result is at risk and why, with every KeyResultAtRisk / KeyResultBackOnTrack event of it' })
  @ApiOkResponse({ type: KeyResultRiskDto })
  risk(@Param('krId') krId: string, @CurrentPrincipal() principal: Principal): Promise<KeyResultRiskDto> {
    return this.queries.execute(new GetKeyResultRiskQuery(principal.tenantId, krId));
  }
}
