import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVIDENCE_KINDS, LEARNING_RESULTS, type EvidenceKind, type LearningResult } from '@okr/okr-domain';
import { ListQueryDto } from '@okr/platform';

/** `?cycleId=` of the at-risk list and the team dashboard. */
export class CycleQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;
}

/** `?cycleId=` and paging of the at-risk list. */
export class AtRiskQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;
}

/** The learnings feed's filters, all optional and combined, and its paging. */
export class LearningsQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) teamId?: string;
  @ApiPropertyOptional({ description: "The learnings of this cycle's objectives" }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) objectiveId?: string;
  @ApiPropertyOptional({ enum: LEARNING_RESULTS })
  @IsOptional()
  @IsIn(LEARNING_RESULTS, { message: `result must be one of: ${LEARNING_RESULTS.join(', ')}` })
  result?: LearningResult;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) tag?: string;
  @ApiPropertyOptional({ enum: EVIDENCE_KINDS, description: 'Learnings with at least one piece of evidence of this kind' })
  @IsOptional()
  @IsIn(EVIDENCE_KINDS, { message: `evidenceKind must be one of: ${EVIDENCE_KINDS.join(', ')}` })
  evidenceKind?: EvidenceKind;
}

export class AtRiskReasonDto {
  @ApiProperty({ example: 'behind-pace' }) code!: string;
  @ApiProperty({ description: 'In words, for people' }) message!: string;
}

/** A key result at risk, with its objective's team. */
export class AtRiskItemDto {
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty() objectiveTitle!: string;
  @ApiProperty({ type: String, nullable: true, description: "The objective's owner" }) ownerId!: string | null;
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty() keyResultTitle!: string;
  @ApiProperty({ type: String, nullable: true }) keyResultOwnerId!: string | null;
  @ApiProperty({ type: [AtRiskReasonDto] }) reasons!: AtRiskReasonDto[];
  @ApiProperty({ type: String, nullable: true }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true }) teamName!: string | null;
}

export class EvidenceItemDto {
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind!: string;
  @ApiProperty() summary!: string;
  @ApiPropertyOptional() link?: string;
}

/** A learning in the feed. */
export class LearningFeedItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true }) objectiveId!: string | null;
  @ApiProperty({ type: [String] }) keyResultIds!: string[];
  @ApiProperty() tried!: string;
  @ApiProperty({ type: String, nullable: true }) approach!: string | null;
  @ApiProperty({ enum: LEARNING_RESULTS }) result!: string;
  @ApiProperty() insight!: string;
  @ApiProperty({ type: String, nullable: true }) nextStep!: string | null;
  @ApiProperty({ type: [EvidenceItemDto] }) evidence!: EvidenceItemDto[];
  @ApiProperty() evidenceCount!: number;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() author!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) acknowledgements!: unknown[];
  @ApiProperty() acknowledgementCount!: number;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revisedAt!: string | null;
  @ApiProperty() revision!: number;
}
