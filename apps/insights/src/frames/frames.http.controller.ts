import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, CurrentPrincipal, ValidationProblem, type Principal } from '@okr/platform';
import { parseFramesQuery } from './frames';
import { FramesQueryDto, FramesViewDto } from './frames.dto';
import { FramesQuery } from './frames.queries';

/** Frames: an objective's or a team's replayed state at each step between two instants. */
@ApiTags('replay')
@ApiBearerAuth()
@Controller('api/v1')
export class FramesHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('frames')
  @Permission('tenant:read')
  @ApiOperation({ summary: "One objective's or team's replay view at each day / week from ?from= to ?to= (at most 200 frames)" })
  @ApiOkResponse({ type: FramesViewDto })
  frames(@Query() query: FramesQueryDto, @CurrentPrincipal() principal: Principal): Promise<FramesViewDto> {
    const parsed = parseFramesQuery(query);
    if ('errors' in parsed) throw new ValidationProblem(parsed.errors);
    return this.queries.execute(new FramesQuery(principal.tenantId, parsed.request));
  }
}
