import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { MAX_BLOCKERS, MAX_CONFIDENCE, MAX_NOTE_LENGTH, MIN_CONFIDENCE, isEffectiveAt } from '@okr/okr-domain';
import { ISO_DATE_OR_INSTANT, ListQueryDto } from '@okr/platform';
import { ChangeAnswerDto, WriteAnswerDto } from '../http/write-answer.dto';

const REASON = 2000;
const BLOCKER = 500;

/** A number (finite) or true / false; which one the key result takes is checked against its kind. */
const IsKeyResultValue = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isKeyResultValue',
      validator: {
        validate: (value: unknown) => typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)),
        defaultMessage: () => 'value must be a number, or true / false for a milestone',
      },
    },
    options,
  );

/** YYYY-MM-DD or an ISO instant with a zone, as the domain takes it. */
const IsEffectiveAt = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isEffectiveAt',
      validator: {
        validate: (value: unknown) => isEffectiveAt(value),
        defaultMessage: () => 'effectiveAt must be a date YYYY-MM-DD or an ISO instant with a zone, e.g. 2026-10-12T09:00:00Z',
      },
    },
    options,
  );

export class RecordCheckInDto {
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }], example: 24, description: 'A number; true / false for a milestone' })
  @IsDefined()
  @IsKeyResultValue()
  value!: number | boolean;

  @ApiProperty({ minimum: MIN_CONFIDENCE, maximum: MAX_CONFIDENCE, example: 6, description: '0-10; 5 means "could go either way"' })
  @IsInt() @Min(MIN_CONFIDENCE) @Max(MAX_CONFIDENCE)
  confidence!: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(MAX_NOTE_LENGTH) note?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_BLOCKERS) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(BLOCKER, { each: true })
  blockers?: string[];

  @ApiProperty({ example: '2026-10-12', description: 'The moment the check-in describes (e.g. the week)' })
  @IsEffectiveAt()
  effectiveAt!: string;
}

export class CorrectCheckInDto {
  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'boolean' }] })
  @IsOptional()
  @IsKeyResultValue()
  value?: number | boolean;

  @ApiPropertyOptional({ minimum: MIN_CONFIDENCE, maximum: MAX_CONFIDENCE })
  @IsOptional() @IsInt() @Min(MIN_CONFIDENCE) @Max(MAX_CONFIDENCE)
  confidence?: number;

  @ApiPropertyOptional({ description: "'' removes the note" }) @IsOptional() @IsString() @MaxLength(MAX_NOTE_LENGTH) note?: string;

  @ApiPropertyOptional({ type: [String], description: '[] removes the blockers' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_BLOCKERS) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(BLOCKER, { each: true })
  blockers?: string[];

  @ApiPropertyOptional({ example: '2026-10-12' }) @IsOptional() @IsEffectiveAt() effectiveAt?: string;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(REASON) reason!: string;
}

const NOW = ['now'];
const INSTANT_MESSAGE = (name: string) => `${name} must be an ISO-8601 date or instant (e.g. 2026-10-12T09:30:00Z) or "now"`;

/** `?asOf=` (the corrected truth about the weeks up to then) or `?knownAt=` (what had been recorded by then). */
export class CheckInsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 instant or "now": every correction applied, check-ins effective up to then' })
  @IsOptional()
  @ValidateIf((o: CheckInsQueryDto) => !NOW.includes(o.asOf ?? ''))
  @Matches(ISO_DATE_OR_INSTANT, { message: INSTANT_MESSAGE('asOf') })
  asOf?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 instant or "now": only what had been recorded (and corrected) by then' })
  @IsOptional()
  @ValidateIf((o: CheckInsQueryDto) => !NOW.includes(o.knownAt ?? ''))
  @Matches(ISO_DATE_OR_INSTANT, { message: INSTANT_MESSAGE('knownAt') })
  knownAt?: string;
}

/** One check-in as the list shows it, every correction known at the time asked folded in. */
export class CheckInItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }], example: 24, description: 'A number, or true/false for a milestone' }) value!: number | boolean;
  @ApiPropertyOptional({ type: 'integer', minimum: MIN_CONFIDENCE, maximum: MAX_CONFIDENCE, example: 6, description: "0-10; absent on a data source's measurement" })
  confidence?: number;
  @ApiPropertyOptional({ example: 'amplitude', description: 'Set on a measurement: the data source the value comes from' }) source?: string;
  @ApiPropertyOptional({ format: 'uri', description: 'Set on a measurement: where people see the number at its source' }) link?: string;
  @ApiPropertyOptional({ example: 'Checklist shipped to 20% of sign-ups' }) note?: string;
  @ApiPropertyOptional({ type: [String], example: ['Waiting on the SSO vendor'] }) blockers?: string[];
  @ApiProperty({ example: '2026-10-12', description: 'The moment it describes: a date YYYY-MM-DD or an instant' }) effectiveAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When it was first recorded' }) recordedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the last correction folded in was recorded' }) correctedAt?: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many corrections are folded in' }) corrections!: number;
}

/** The answer to recording a check-in. */
export class CheckInRecordedDto extends WriteAnswerDto {
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
}

/** The answer to correcting a check-in: the original stays in the record, the correction is a new event. */
export class CheckInCorrectedDto extends ChangeAnswerDto {
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
}
