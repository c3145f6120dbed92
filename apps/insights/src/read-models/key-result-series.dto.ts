import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { KeyResultTarget, KeyResultValue } from '@okr/okr-domain';
import { KEY_RESULT_VALUE_SCHEMA, MEASURE_MODELS, targetSchema } from './key-result-measure.dto';
import type { SeriesPoint } from './read-models.queries';

/** One check-in (or data source measurement) of a key result as a point of its chart, as corrected since. */
@ApiExtraModels(...MEASURE_MODELS)
export class SeriesPointDto implements SeriesPoint {
  @ApiProperty({ format: 'uuid', description: 'The check-in id (the measurement id for a measurement)' }) checkInId!: string;
  @ApiProperty({ example: '2026-10-12', description: 'The moment it describes (an ISO date or instant): the x axis' }) effectiveAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When it was recorded' }) recordedAt!: string;
  @ApiProperty(KEY_RESULT_VALUE_SCHEMA) value!: KeyResultValue;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10, description: "null on a data source's measurement: people give confidence, sources do not" })
  confidence!: number | null;
  @ApiPropertyOptional({ example: 'warehouse', description: 'Only on a measurement: where the value came from' }) source?: string;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1, description: 'Against the target in force when it was recorded; null until the measure is known' })
  progress!: number | null;
  @ApiProperty(targetSchema('The target in force when it was recorded (a later revision does not rewrite it): the target line of the chart'))
  target!: KeyResultTarget | null;
  @ApiProperty({ type: 'integer', description: 'How many times it was corrected (its values are the corrected ones)' }) corrections!: number;
}

/** `GET /key-results/{krId}/series`: a key result's points, by the moment they describe. */
export class KeyResultSeriesDto {
  @ApiProperty({ format: 'uuid' }) keyResultId!: string;
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ type: [SeriesPointDto], description: 'Oldest first (by effectiveAt, then recordedAt)' }) points!: SeriesPointDto[];
}
