import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVIDENCE_KINDS, LEARNING_APPROACHES, LEARNING_RESULTS, type EvidenceKind, type LearningApproach, type LearningResult } from '@okr/okr-domain';
import { ListQueryDto } from '@okr/platform';
import type { AtRiskCode, AtRiskReason, LearningAcknowledgement, LearningStats } from '../projections';
import type { AtRiskListItem } from './read-models.queries';

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

/** Every at-risk code, in the order the rules give them (a new code fails to compile here until listed). */
const AT_RISK_CODE_SET: Record<AtRiskCode, true> = {
  'below-floor': true,
  'above-ceiling': true,
  'outside-range': true,
  'behind-pace': true,
  'milestone-not-done': true,
  'low-confidence': true,
  'falling-confidence': true,
  'stale-check-in': true,
};
export const AT_RISK_CODES = Object.keys(AT_RISK_CODE_SET) as AtRiskCode[];

export class AtRiskReasonDto implements AtRiskReason {
  @ApiProperty({ enum: AT_RISK_CODES, example: 'behind-pace', description: 'Stable, for programs' }) code!: AtRiskCode;
  @ApiProperty({ example: 'Confidence is 3/10, below the threshold of 5/10.', description: 'In words, for people' }) message!: string;
}

/** A key result at risk, with its objective's team. */
export class AtRiskItemDto implements AtRiskListItem {
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ example: 'New customers succeed in their first week' }) objectiveTitle!: string;
  @ApiProperty({ type: String, nullable: true, description: "The objective's owner (the token subject)" }) ownerId!: string | null;
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty({ example: 'Week-1 activation' }) keyResultTitle!: string;
  @ApiProperty({ type: String, nullable: true, description: "The key result's own owner, when it has one" }) keyResultOwnerId!: string | null;
  @ApiProperty({ type: [AtRiskReasonDto], description: 'At least one' }) reasons!: AtRiskReasonDto[];
  @ApiProperty({ type: String, nullable: true, example: 'growth' }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Growth', description: 'The display name (the id when the team is not registered)' }) teamName!: string | null;
}

export class EvidenceItemDto {
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind!: EvidenceKind;
  @ApiProperty({ example: '5 of 8 interviewees stalled at permissions' }) summary!: string;
  @ApiPropertyOptional({ example: 'https://notes.example.com/interviews/42', description: 'Where the source is' }) link?: string;
}

/** Someone saying they read a learning (and took it in). */
export class LearningAcknowledgementDto implements LearningAcknowledgement {
  @ApiProperty({ description: 'Who acknowledged it (the token subject)' }) by!: string;
  @ApiPropertyOptional() note?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** A learning in the feed: what was tried, what came of it, what the team now believes and why. */
export class LearningFeedItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'growth' }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The objective it is about, if any' }) objectiveId!: string | null;
  @ApiProperty({ type: [String], description: 'The key results it is about' }) keyResultIds!: string[];
  @ApiProperty({ example: 'A guided import on day one' }) tried!: string;
  @ApiProperty({ enum: LEARNING_APPROACHES, nullable: true }) approach!: LearningApproach | null;
  @ApiProperty({ enum: LEARNING_RESULTS, description: '`invalidated` is knowledge gained like `validated`, not a failure' }) result!: LearningResult;
  @ApiProperty({ example: 'Users stall at permissions, not at the import' }) insight!: string;
  @ApiProperty({ type: String, nullable: true }) nextStep!: string | null;
  @ApiProperty({ type: [EvidenceItemDto] }) evidence!: EvidenceItemDto[];
  @ApiProperty({ type: 'integer' }) evidenceCount!: number;
  @ApiProperty({ type: [String], description: 'Lowercase, without duplicates' }) tags!: string[];
  @ApiProperty({ description: 'Who captured it (the token subject)' }) author!: string;
  @ApiProperty({ type: [LearningAcknowledgementDto], description: 'Oldest first' }) acknowledgements!: LearningAcknowledgementDto[];
  @ApiProperty({ type: 'integer' }) acknowledgementCount!: number;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it was last revised' }) revisedAt!: string | null;
  @ApiProperty({ type: 'integer', description: 'Revision of its stream last applied' }) revision!: number;
}

/** Learnings per result: each is always present, 0 included. */
export class LearningResultCountsDto implements Record<LearningResult, number> {
  @ApiProperty({ type: 'integer' }) validated!: number;
  @ApiProperty({ type: 'integer' }) invalidated!: number;
  @ApiProperty({ type: 'integer' }) inconclusive!: number;
}

/** Totals over every learning the filters select (all pages). Invalidated hypotheses count as learnings. */
export class LearningStatsDto implements LearningStats {
  @ApiProperty({ type: 'integer', description: 'Every learning, invalidated hypotheses included' }) learnings!: number;
  @ApiProperty({ type: LearningResultCountsDto }) byResult!: LearningResultCountsDto;
  @ApiProperty({ type: 'integer', description: 'Validated or invalidated: knowledge gained either way' }) conclusive!: number;
  @ApiProperty({ type: 'integer', description: 'Pieces of evidence over all of them' }) evidence!: number;
  @ApiProperty({ type: 'integer' }) acknowledgements!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { onboarding: 3 }, description: 'Learnings per tag' })
  byTag!: Record<string, number>;
}
