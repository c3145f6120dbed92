import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiPaginatedResponse, CurrentPrincipal, HistoryEntryDto, ListQueryDto, Permission, ValidationProblem, type Principal } from '@okr/platform';
import { ExportAuditQuery, VerifyStreamChainQuery, type AuditExportScope } from './audit-chain.queries';
import { GetAuditTrailQuery } from './audit.queries';
import { AuditExportManifestLineDto, AuditExportQueryDto, ChainReportDto } from './audit.dto';

/** Audit: who changed what, when and why, for any objective, cycle, check-ins, learning or question stream. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class AuditHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('audit/exports')
  @Permission('audit:export')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'Auditor export (auditor, admin): a stream or a cycle as JSON Lines, one event per line with its chain hash, last line a manifest of head hashes and a SHA-256 of the lines',
  })
  @ApiExtraModels(AuditExportManifestLineDto)
  @ApiOkResponse({
    description: 'An attachment `audit-{stream or cycle-id}.ndjson`',
    content: {
      'application/x-ndjson': {
        schema: {
          type: 'string',
          description:
            'JSON Lines: each event of the streams (stream after stream, oldest first) exactly as stored (id, type, schemaVersion, streamId, revision, ' +
            `position, data, metadata, hash), then one last line, the manifest (${getSchemaPath(AuditExportManifestLineDto)})`,
        },
      },
    },
  })
  async export(@Query() query: AuditExportQueryDto, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    if ((query.stream === undefined) === (query.cycleId === undefined)) {
      throw new ValidationProblem([{ field: 'stream', message: 'give exactly one of stream or cycleId' }]);
    }
    const scope: AuditExportScope = query.stream !== undefined ? { stream: query.stream } : { cycleId: query.cycleId as string };
    const { name, lines } = await this.queries.execute(new ExportAuditQuery(principal.tenantId, scope));
    return new StreamableFile(Readable.from(lines), {
      type: 'application/x-ndjson',
      disposition: `attachment; filename="audit-${name}.ndjson"`,
    });
  }

  @Get('audit/:streamId')
  @Permission('tenant:read')
  @ApiOperation({
    summary: 'Every event of an objective-*, cycle-*, checkins-*, learning-* or question-* stream: type, revision, actor, time, reason, data',
    description:
      'Who (`actor`), when (`occurredAt`; `importedAt` too for imported events), why (`reason`, when the change gives one). ' +
      'Each event in its latest schema version (older stored versions are upcast on read). ' +
      'Before and after are in `data`: a change to an existing value carries `data.from` and `data.to` (a rewording, a target revision, ' +
      'a grade correction, a rename or reschedule; an ownership transfer carries `data.fromOwnerId` and `data.toOwnerId`), and a correction ' +
      'or revision carries `data.changes` (the new values of the changed fields only) with `data.from` (their values before).',
  })
  @ApiPaginatedResponse(HistoryEntryDto)
  audit(@Param('streamId') streamId: string, @Query() query: ListQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new GetAuditTrailQuery(principal.tenantId, streamId, query));
  }

  @Get('audit/:streamId/verify')
  @Permission('tenant:read')
  @ApiOperation({ summary: "Checks the stream's hash chain: intact, where a pre-chain prefix ends (unchainedBefore), head hash, and the first broken link" })
  @ApiOkResponse({ type: ChainReportDto })
  verify(@Param('streamId') streamId: string, @CurrentPrincipal() principal: Principal): Promise<ChainReportDto> {
    return this.queries.execute(new VerifyStreamChainQuery(principal.tenantId, streamId));
  }
}
