import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { KEY_RESULT_KINDS, type KeyResultKind } from '@okr/okr-domain';
import { ISO_DATE_OR_INSTANT, NotFor, Omittable } from '@okr/platform';

const FINITE = { allowNaN: false, allowInfinity: false } as const;
const TEXT = 200;
const REASON = 2000;
const TO_TARGET: readonly KeyResultKind[] = ['increase', 'decrease'];
const THRESHOLD: readonly KeyResultKind[] = ['stay-at-or-above', 'stay-at-or-below'];
const RANGE: readonly KeyResultKind[] = ['stay-within-range'];
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class SetObjectiveDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() cycleId!: string;
  @ApiProperty({ example: 'growth' }) @Matches(ID_PATTERN, { message: 'teamId must be a slug (letters, digits, . _ -)' })
  teamId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(REASON) description?: string;
  @ApiPropertyOptional({ description: 'Defaults to the caller' }) @IsOptional() @Matches(ID_PATTERN) ownerId?: string;
  @ApiPropertyOptional({ type: [String], description: 'Objectives this one contributes to' })
  @Omittable() @IsArray() @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true })
  parentObjectiveIds?: string[];
}

export class RewordObjectiveDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(REASON) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(REASON) reason?: string;
}

export class AlignObjectiveDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() parentObjectiveId!: string;
}

export class WithdrawAlignmentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() parentObjectiveId!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(REASON) reason!: string;
}

export class AddKeyResultDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT) title!: string;
  @ApiProperty({ enum: KEY_RESULT_KINDS }) @IsIn(KEY_RESULT_KINDS) kind!: KeyResultKind;

  @ApiPropertyOptional({ description: 'Start or baseline; required for increase / decrease' })
  @ValidateIf((o: AddKeyResultDto) => TO_TARGET.includes(o.kind) || o.start !== undefined)
  @NotFor(['milestone'])
  @IsNumber(FINITE)
  start?: number;

  @ApiPropertyOptional({ description: 'increase / decrease' })
  @ValidateIf((o: AddKeyResultDto) => TO_TARGET.includes(o.kind) || o.target !== undefined)
  @NotFor([...THRESHOLD, ...RANGE, 'milestone'])
  @IsNumber(FINITE)
  target?: number;

  @ApiPropertyOptional({ description: 'stay-at-or-above / stay-at-or-below' })
  @ValidateIf((o: AddKeyResultDto) => THRESHOLD.includes(o.kind) || o.threshold !== undefined)
  @NotFor([...TO_TARGET, ...RANGE, 'milestone'])
  @IsNumber(FINITE)
  threshold?: number;

  @ApiPropertyOptional({ description: 'stay-within-range' })
  @ValidateIf((o: AddKeyResultDto) => RANGE.includes(o.kind) || o.min !== undefined)
  @NotFor([...TO_TARGET, ...THRESHOLD, 'milestone'])
  @IsNumber(FINITE)
  min?: number;

  @ApiPropertyOptional({ description: 'stay-within-range' })
  @ValidateIf((o: AddKeyResultDto) => RANGE.includes(o.kind) || o.max !== undefined)
  @NotFor([...TO_TARGET, ...THRESHOLD, 'milestone'])
  @IsNumber(FINITE)
  max?: number;

  @ApiPropertyOptional({ example: '%' }) @IsOptional() @NotFor(['milestone']) @IsString() @MaxLength(32) unit?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN) ownerId?: string;
}

export class ReviseTargetDto {
  @ApiPropertyOptional({ description: 'increase / decrease' })
  @ValidateIf((o: ReviseTargetDto) => o.target !== undefined || [o.threshold, o.min, o.max].every((v) => v === undefined))
  @IsNumber(FINITE, { message: 'target must be a number (or give threshold, or min and max)' })
  target?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(FINITE) threshold?: number;
  @ApiPropertyOptional() @ValidateIf((o: ReviseTargetDto) => o.max !== undefined || o.min !== undefined) @IsNumber(FINITE) min?: number;
  @ApiPropertyOptional() @ValidateIf((o: ReviseTargetDto) => o.max !== undefined || o.min !== undefined) @IsNumber(FINITE) max?: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(REASON) reason!: string;
}

export class DropKeyResultDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(REASON) reason!: string;
}

export class TransferOwnershipDto {
  @ApiProperty() @Matches(ID_PATTERN) newOwnerId!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(REASON) reason?: string;
}

export class KeyResultGradeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() keyResultId!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber(FINITE) @Min(0) @Max(1) grade!: number;
}

export class GradeAndCloseDto {
  @ApiProperty({ type: [KeyResultGradeDto] })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => KeyResultGradeDto)
  keyResultGrades!: KeyResultGradeDto[];
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Defaults to the mean of the key-result grades' })
  @IsOptional() @IsNumber(FINITE) @Min(0) @Max(1)
  overallGrade?: number;
  @ApiPropertyOptional({ description: "Why the overall grade is more than 0.2 away from the key results' mean (required then)" })
  @IsOptional() @IsString() @MaxLength(REASON)
  overallGradeReason?: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20000) retrospective!: string;
}

export class CorrectGradeDto {
  @ApiPropertyOptional({ type: [KeyResultGradeDto], description: 'Only the key results whose grade changes' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => KeyResultGradeDto)
  keyResultGrades?: KeyResultGradeDto[];
  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Defaults to the new mean when key-result grades change' })
  @IsOptional() @IsNumber(FINITE) @Min(0) @Max(1)
  overallGrade?: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(REASON) reason!: string;
}

export class ArchiveObjectiveDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(REASON) reason?: string;
}

export class AsOfQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 instant: the state as it was then' })
  @IsOptional()
  @Matches(ISO_DATE_OR_INSTANT, {
    message: 'asOf must be an ISO-8601 date or instant, e.g. 2026-10-12T09:30:00Z',
  })
  asOf?: string;
}

export class CarryOverObjectiveDto {
  @ApiProperty({ description: 'The later cycle the objective goes on in' }) @IsUUID() toCycleId!: string;
  @ApiProperty({ example: 'Activation stalled on the import step; we keep going next quarter' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}
