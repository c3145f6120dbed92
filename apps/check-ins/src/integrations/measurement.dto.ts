import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
