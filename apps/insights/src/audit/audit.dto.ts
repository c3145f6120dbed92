import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CHAIN_SCHEME, type BrokenLink, type BrokenLinkReason, type ChainReport, type ExportManifest } from '@okr/event-store';

/** `?stream=` or `?cycleId=` of an auditor's export (exactly one). */
export class AuditExportQueryDto {
  /** One stream, e.g. `objective-0193…`. */
  @IsOptional() @IsString() @MaxLength(200) @Matches(/^[a-z]+-[A-Za-z0-9-]+$/, { message: 'stream must be a stream id such as objective-<id>' })
  stream?: string;

  /** A cycle: its stream plus its objectives', check-ins' and learnings' streams. */
  @IsOptional() @IsUUID()
  cycleId?: string;
}

const BROKEN_LINK_REASONS = ['hash-mismatch', 'missing-hash', 'revision-gap'] as const satisfies readonly BrokenLinkReason[];

/** Where a stream's hash chain breaks first. */
export class BrokenLinkDto implements BrokenLink {
  @ApiProperty({ type: 'integer', description: 'The revision of the event where the chain breaks' }) revision!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({
    enum: BROKEN_LINK_REASONS,
    description: 'hash-mismatch: the stored hash is not that of the event and its predecessor; missing-hash: an event without a hash after hashed ones; revision-gap: an event removed or inserted',
  })
  reason!: BrokenLinkReason;
  @ApiPropertyOptional({ description: 'The hash the chain expects here (for hash-mismatch)' }) expected?: string;
  @ApiPropertyOptional({ description: 'The hash stored (absent for missing-hash)' }) actual?: string;
}

/** `GET /audit/{streamId}/verify`: whether one stream's hash chain is intact. */
export class ChainReportDto implements ChainReport {
  @ApiProperty({ example: 'objective-0193a3c4-0000-7000-8000-000000000000' }) streamId!: string;
  @ApiProperty({ type: 'integer', description: 'Events read' }) events!: number;
  @ApiProperty({ description: 'No link is broken (a prefix written before hashing existed does not break it)' }) intact!: boolean;
  @ApiProperty({ type: 'integer', description: 'Revisions 0…N-1 were written before hashing existed and are not covered (0: every event is)' })
  unchainedBefore!: number;
  @ApiPropertyOptional({ description: 'Hash of the last event verified (the head when intact): keep it to detect a later truncation' }) headHash?: string;
  @ApiPropertyOptional({ type: BrokenLinkDto, description: 'Only when the chain is broken' }) firstBrokenLink?: BrokenLinkDto;
}

/** The last line of an auditor's export: what it holds and how to check it offline. */
export class AuditExportManifestDto implements ExportManifest {
  @ApiProperty({ enum: [CHAIN_SCHEME], description: 'How the events are chained' }) scheme!: typeof CHAIN_SCHEME;
  @ApiProperty() tenantId!: string;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { cycleId: '0193a3c4-0000-7000-8000-000000000000' }, description: 'What was asked for' })
  scope!: Record<string, string>;
  @ApiProperty({ type: [ChainReportDto], description: 'Per stream, in file order: its chain as exported' }) streams!: ChainReportDto[];
  @ApiProperty({ description: 'SHA-256 (hex) of every byte of the file before this line: `head -n -1 FILE | sha256sum`' }) linesSha256!: string;
}

/** The manifest line as it appears in the file. */
@ApiExtraModels(AuditExportManifestDto)
export class AuditExportManifestLineDto {
  @ApiProperty({ type: AuditExportManifestDto }) manifest!: AuditExportManifestDto;
}
