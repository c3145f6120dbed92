import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  IsUrl,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  EVIDENCE_KINDS,
  LEARNING_APPROACHES,
  LEARNING_RESULTS,
  type EvidenceKind,
  type LearningApproach,
  type LearningResult,
} from '@okr/okr-domain';
import { Omittable } from '@okr/platform';

const TEXT = 4000;
const REASON = 2000;
const TAG = 50;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class EvidenceDto {
  @ApiProperty({ enum: EVIDENCE_KINDS, enumName: 'EvidenceKind' }) @IsIn(EVIDENCE_KINDS) kind!: EvidenceKind;
  @ApiProperty({ example: '7 of 10 trial users stalled at the import step' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) summary!: string;
  @ApiPropertyOptional({ format: 'uri' }) @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) @MaxLength(2000) link?: string;
}

/** The fields a learning is made of; captured all at once, revised any subset. */
class LearningFieldsDto {
  @ApiPropertyOptional({ type: [String], description: 'Key results it is about' })
  @Omittable() @IsArray() @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true })
  keyResultIds?: string[];

  @ApiPropertyOptional({ type: [EvidenceDto] })
  @Omittable() @IsArray() @ArrayMaxSize(50) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];

  @ApiPropertyOptional({ type: [String], example: ['onboarding'] })
  @Omittable() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(TAG, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'The next step it leads to' }) @IsOptional() @IsString() @MaxLength(TEXT) nextStep?: string;
}

export class CaptureLearningDto extends LearningFieldsDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() objectiveId?: string;
  @ApiPropertyOptional({ description: "Defaults to the objective's team" })
  @IsOptional() @Matches(ID_PATTERN, { message: 'teamId must be a slug (letters, digits, . _ -)' })
  teamId?: string;
  @ApiProperty({ description: 'The hypothesis or experiment' }) @IsString() @IsNotEmpty() @MaxLength(TEXT) tried!: string;
  @ApiPropertyOptional({ enum: LEARNING_APPROACHES, enumName: 'LearningApproach' }) @IsOptional() @IsIn(LEARNING_APPROACHES) approach?: LearningApproach;
  @ApiProperty({ enum: LEARNING_RESULTS, enumName: 'LearningResult', description: 'invalidated is a first-class outcome' }) @IsIn(LEARNING_RESULTS) result!: LearningResult;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT) insight!: string;
}

export class ReviseLearningDto extends LearningFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TEXT) tried?: string;
  @ApiPropertyOptional({ enum: LEARNING_RESULTS, enumName: 'LearningResult' }) @IsOptional() @IsIn(LEARNING_RESULTS) result?: LearningResult;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TEXT) insight?: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(REASON) reason!: string;
}

export class AcknowledgeLearningDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(REASON) note?: string;
}

/** A learning in the lists of an objective or a key result. */
export class LearningItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ format: 'uuid' }) objectiveId?: string;
  @ApiProperty({ type: [String], description: 'Key results it is about (UUIDs)' }) keyResultIds!: string[];
  @ApiProperty({ enum: LEARNING_RESULTS, enumName: 'LearningResult', example: 'invalidated', description: 'invalidated is a first-class outcome' })
  result!: LearningResult;
  @ApiProperty({ example: 'Users stall on permissions, not on the import itself' }) insight!: string;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
}

export class EvidenceItemDto {
  @ApiProperty({ enum: EVIDENCE_KINDS, enumName: 'EvidenceKind' }) kind!: EvidenceKind;
  @ApiProperty({ example: '7 of 10 trial users stalled at the import step' }) summary!: string;
  @ApiPropertyOptional({ format: 'uri', description: 'The source itself: the notes, the dashboard, the ticket search' }) link?: string;
}

/** A learning now: its fields with every revision folded in, and who acknowledged it. */
export class LearningDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ example: 'growth', description: 'The team whose learning it is' }) teamId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) objectiveId?: string;
  @ApiProperty({ type: [String], description: 'Key results it is about (UUIDs)' }) keyResultIds!: string[];
  @ApiProperty({ example: 'A guided import would lift week-1 activation', description: 'The hypothesis or experiment: what was tried' }) tried!: string;
  @ApiPropertyOptional({ enum: LEARNING_APPROACHES, enumName: 'LearningApproach' }) approach?: LearningApproach;
  @ApiProperty({ enum: LEARNING_RESULTS, enumName: 'LearningResult', example: 'invalidated', description: 'invalidated is a first-class outcome' })
  result!: LearningResult;
  @ApiProperty({ example: 'Users stall on permissions, not on the import itself', description: 'What was learned' }) insight!: string;
  @ApiPropertyOptional({ example: 'Ship a permissions checklist', description: 'The next step it leads to' }) nextStep?: string;
  @ApiProperty({ type: [EvidenceItemDto], description: 'The customer evidence behind the insight' }) evidence!: EvidenceItemDto[];
  @ApiProperty({ type: [String], example: ['onboarding'], description: 'Lowercase, without duplicates' }) tags!: string[];
  @ApiProperty({ example: 'alice', description: 'Who captured it' }) author!: string;
  @ApiProperty({ type: [String], example: ['bob'], description: 'Who acknowledged it, in order; never the author' }) acknowledgedBy!: string[];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many revisions are folded in' }) revisions!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: "The learning stream's revision (its ETag): send it as If-Match to revise or acknowledge" })
  revision!: number;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When its last event was recorded' }) updatedAt!: string;
  @ApiProperty({ example: 'alice', description: 'Who recorded its last event' }) updatedBy!: string;
}
