import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { EVENT_STORE, exportStreams, type EventStore } from '@okr/event-store';
import { ApiPaginatedResponse, CurrentPrincipal, HistoryEntryDto, ListQueryDto, Permission, ValidationProblem, type Principal } from '@okr/platform';
import { ResolveAuditExportQuery, VerifyStreamChainQuery, type AuditExportScope } from './audit-chain.queries';
import { GetAuditTrailQuery } from './audit.queries';

export class AuditExportQueryDto {
  /** One stream, e.g. `objective-0193…`. */
  @IsOptional() @IsString() @MaxLength(200) @Matches(/^[a-z]+-[A-Za-z0-9-]+$/, { message: 'stream must be a stream id such as objective-<id>' })
  stream?: string;

  /** A cycle: its stream plus its objectives', check-ins' and learnings' streams. */
  @IsOptional() @IsUUID()
  cycleId?: string;
}

/** Audit: who changed what, when and why, for any objective, cycle, check-ins, learning or question stream. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditHttpController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('audit/exports')
  @Permission('audit:export')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'Auditor export (auditor, admin): a stream or a cycle as JSON Lines, one event per line with its chain hash, last line a manifest of head hashes and a SHA-256 of the lines',
  })
  async export(@Query() query: AuditExportQueryDto, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    if ((query.stream === undefined) === (query.cycleId === undefined)) {
      throw new ValidationProblem([{ field: 'stream', message: 'give exactly one of stream or cycleId' }]);
    }
    const scope: AuditExportScope = query.stream !== undefined ? { stream: query.stream } : { cycleId: query.cycleId as string };
    const streamIds = await this.queries.execute(new ResolveAuditExportQuery(principal.tenantId, scope));
    const name = 'stream' in scope ? scope.stream : `cycle-${scope.cycleId}`;
    return new StreamableFile(Readable.from(exportStreams(this.store, principal.tenantId, streamIds, scope)), {
      type: 'application/x-ndjson',
      disposition: `attachment; filename="audit-${name}.ndjson"`,
    });
  }

  @Get('audit/:streamId')
  @Permission('tenant:read')
  @ApiOperation({ summary: 'Every event of an objective-*, cycle-*, checkins-*, learning-* or question-* stream: type, revision, actor, time, reason, data' })
  @ApiPaginatedResponse(HistoryEntryDto)
  audit(@Param('streamId') streamId: string, @Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetAuditTrailQuery(principal.tenantId, streamId, query));
  }

  @Get('audit/:streamId/verify')
  @Permission('tenant:read')
  @ApiOperation({ summary: "Checks the stream's hash chain: intact, where a pre-chain prefix ends (unchainedBefore), head hash, and the first broken link" })
  verify(@Param('streamId') streamId: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new VerifyStreamChainQuery(principal.tenantId, streamId));
  }
}
