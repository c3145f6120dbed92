import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVIDENCE_KINDS, LEARNING_RESULTS, type EvidenceKind, type LearningResult } from '@okr/okr-domain';

/** `?cycleId=` of the at-risk list and the team dashboard. */
export class CycleQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;
}

/** The learnings feed's filters, all optional and combined. */
export class LearningsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) teamId?: string;
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
