import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsNotEmpty, IsOptional, IsString, IsUUID, IsUrl, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
import { MAX_SOURCE_LENGTH, isEffectiveAt } from '@okr/okr-domain';

/** The most measurements one `POST /measurements` takes. */
export const MAX_MEASUREMENTS_PER_BATCH = 500;

const IsValue = () =>
  ValidateBy({
    name: 'isKeyResultValue',
    validator: {
      validate: (value: unknown) => typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)),
      defaultMessage: () => 'value must be a number, or true / false for a milestone',
    },
  });

const IsMoment = () =>
  ValidateBy({
    name: 'isMeasuredAt',
    validator: {
      validate: (value: unknown) => isEffectiveAt(value),
      defaultMessage: () => 'measuredAt must be a date YYYY-MM-DD or an ISO instant with a zone, e.g. 2026-10-12T09:00:00Z',
    },
  });

export class MeasurementDto {
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'boolean' }], example: 31.5 }) @IsDefined() @IsValue() value!: number | boolean;
  @ApiProperty({ example: '2026-10-19', description: 'The moment the value describes' }) @IsMoment() measuredAt!: string;
  @ApiProperty({ example: 'amplitude', maxLength: MAX_SOURCE_LENGTH }) @IsString() @IsNotEmpty() @MaxLength(MAX_SOURCE_LENGTH) source!: string;
  @ApiPropertyOptional({ format: 'uri', description: 'Where people can see the number at its source' })
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) @MaxLength(2000)
  link?: string;
}

export class BatchMeasurementDto extends MeasurementDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() keyResultId!: string;
}

export class MeasurementBatchDto {
  @ApiProperty({ type: [BatchMeasurementDto], maxItems: MAX_MEASUREMENTS_PER_BATCH })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_MEASUREMENTS_PER_BATCH) @ValidateNested({ each: true }) @Type(() => BatchMeasurementDto)
  items!: BatchMeasurementDto[];
}

/** What every measurement outcome names: which measurement it is. */
class MeasurementOutcomeDto {
  @ApiProperty({ format: 'uuid', description: 'The same (source, key result, moment) always has this id' }) id!: string;
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty({ example: '2026-10-19', description: 'As sent' }) measuredAt!: string;
  @ApiProperty({ example: 'amplitude' }) source!: string;
}

export class MeasurementRecordedDto extends MeasurementOutcomeDto {
  @ApiProperty({ enum: ['recorded'] }) status!: 'recorded';
  @ApiProperty({ type: 'integer', minimum: 0, description: "The key result's check-in stream revision after it" }) revision!: number;
}

export class MeasurementUnchangedDto extends MeasurementOutcomeDto {
  @ApiProperty({ enum: ['unchanged'], description: 'Sent before with this value: nothing written' }) status!: 'unchanged';
}

export class MeasurementRefusedDto extends MeasurementOutcomeDto {
  @ApiProperty({ enum: ['refused'], description: 'A rule of the key result refused it: nothing written for it' }) status!: 'refused';
  @ApiProperty({ example: 'effective-at-in-future', description: 'The broken rule' }) code!: string;
  @ApiProperty({ description: 'The broken rule, in words' }) message!: string;
}

const OUTCOMES = { recorded: MeasurementRecordedDto, unchanged: MeasurementUnchangedDto, refused: MeasurementRefusedDto };

/** The outcome of each measurement of a batch, in the order sent. */
export class MeasurementBatchAnswerDto {
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: Object.values(OUTCOMES).map((dto) => ({ $ref: getSchemaPath(dto) })),
      discriminator: { propertyName: 'status', mapping: Object.fromEntries(Object.entries(OUTCOMES).map(([status, dto]) => [status, getSchemaPath(dto)])) },
    },
  })
  items!: (MeasurementRecordedDto | MeasurementUnchangedDto | MeasurementRefusedDto)[];
}
