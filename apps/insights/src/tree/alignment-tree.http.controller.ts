import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, CurrentPrincipal, type Principal } from '@okr/platform';
import { CycleQueryDto } from '../read-models/read-models.dto';
import { AlignmentTreeDto } from './alignment-tree.dto';
import { GetAlignmentTreeQuery } from './alignment-tree.queries';

/** The alignment tree (a live view: eventually consistent with goals and check-ins). */
@ApiTags('views')
@ApiBearerAuth()
@Controller('api/v1')
export class AlignmentTreeHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('alignment-tree')
  @Permission('tenant:read')
  @ApiOperation({
    summary:
      'Objectives as a tree of alignment (an objective with several parents appears under each), progress rolled up from contributing objectives',
  })
  @ApiOkResponse({ type: AlignmentTreeDto })
  tree(@Query() query: CycleQueryDto, @CurrentPrincipal() principal: Principal): Promise<AlignmentTreeDto> {
    return this.queries.execute(new GetAlignmentTreeQuery(principal.tenantId, query.cycleId));
  }
}
