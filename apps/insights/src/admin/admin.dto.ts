import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Drift, ProjectionAuditReport, ReadModelAudit } from './projection-audit';
import type { RebuildProgress, RebuildStatus } from './rebuilds.service';

/** `POST /api/v1/admin/rebuilds` and `/platform/rebuilds`: the read model to rebuild (`objective-summary`, `cycles`...). */
export class StartRebuildDto {
  @ApiProperty({ example: 'objective-summary-v2' }) @IsString() @IsNotEmpty() @MaxLength(200) readModel!: string;
}

const REBUILD_STATUSES = ['running', 'switched', 'failed'] as const satisfies readonly RebuildStatus[];
const REBUILD_SCOPES = ['tenant', 'all'] as const;

/** The answer of starting a rebuild (202): follow it at `GET …/rebuilds/{id}`. */
export class RebuildStartedDto implements Pick<RebuildProgress, 'id' | 'readModel' | 'scope' | 'status'> {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'objective-summary-v2' }) readModel!: string;
  @ApiProperty({ enum: REBUILD_SCOPES, description: "tenant: the caller's tenant's documents; all: every tenant's" }) scope!: 'tenant' | 'all';
  @ApiProperty({ enum: REBUILD_STATUSES }) status!: RebuildStatus;
}

/** A rebuild's progress: running, switched (the rebuilt documents are live) or failed. */
export class RebuildProgressDto extends RebuildStartedDto implements RebuildProgress {
  @ApiPropertyOptional({ description: 'The tenant whose documents a tenant rebuild replaces' }) tenantId?: string;
  @ApiProperty({ type: 'integer', description: 'Events of the followed categories read from the log so far' }) processed!: number;
  @ApiProperty({ type: 'integer', description: "The log's head when last measured (-1: empty log)" }) headPosition!: number;
  @ApiProperty({ type: 'integer', description: 'Global position of the last event read (-1: none yet)' }) position!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it switched or failed' }) finishedAt?: string;
  @ApiPropertyOptional({ description: 'Why it failed' }) error?: string;
}

/** A stream whose last handled event the read model did not apply exactly once. */
export class DriftDto implements Drift {
  @ApiProperty({ example: 'objective-0193a3c4-0000-7000-8000-000000000000' }) streamId!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: "Revision of the stream's last event the read model handles; null when the log has no such stream" })
  expected!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Revision the read model recorded as applied; null when it recorded none' }) applied!: number | null;
}

export class ReadModelAuditDto implements ReadModelAudit {
  @ApiProperty({ example: 'objective-summary-v2' }) name!: string;
  @ApiProperty({ type: 'integer', description: 'Streams with at least one event the read model handles' }) streams!: number;
  @ApiProperty({ type: [DriftDto], description: 'Empty when the read model is exact' }) drift!: DriftDto[];
}

/** `GET /admin/projection-audit`: every read model's applied revisions against the log (every tenant). */
export class ProjectionAuditReportDto implements ProjectionAuditReport {
  @ApiProperty({ description: 'No drift in any read model' }) ok!: boolean;
  @ApiProperty({ type: [ReadModelAuditDto] }) readModels!: ReadModelAuditDto[];
}
