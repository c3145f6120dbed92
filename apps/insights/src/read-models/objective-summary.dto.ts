import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEY_RESULT_KINDS, type KeyResultKind, type KeyResultMeasure, type KeyResultValue } from '@okr/okr-domain';
import type { CarryOverSummary, KeyResultSummary, SummaryCheckIn } from '../projections';
import { CycleLabelDto, KEY_RESULT_VALUE_SCHEMA, MEASURE_MODELS, measureSchema, NULLABLE_KEY_RESULT_VALUE_SCHEMA } from './key-result-measure.dto';
import { OBJECTIVE_STANDINGS, type ObjectiveStanding } from './objective-standing';
import { STANDING_DESCRIPTION, SUMMARY_STATUSES } from './team-dashboard.dto';

/** One check-in (or data source measurement) of a key result, corrections folded in. */
export class SummaryCheckInDto implements SummaryCheckIn {
  @ApiProperty({ format: 'uuid', description: 'The check-in id (the measurement id for a measurement)' }) id!: string;
  @ApiProperty(KEY_RESULT_VALUE_SCHEMA) value!: KeyResultValue;
  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: "Absent on a data source's measurement: it moves the value, never the confidence" })
  confidence?: number;
  @ApiPropertyOptional({ example: 'warehouse', description: 'Only on a measurement: where the value came from' }) source?: string;
  @ApiProperty({ example: '2026-10-12', description: 'The moment it describes: an ISO date or instant' }) effectiveAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When it was recorded' }) recordedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it was last corrected' }) correctedAt?: string;
}

/** A key result of the summary, with every check-in and what they add up to. */
@ApiExtraModels(...MEASURE_MODELS)
export class SummaryKeyResultDto implements KeyResultSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Week-1 activation', description: "Empty while only its check-ins have arrived" }) title!: string;
  @ApiPropertyOptional({ description: "Its owner (the token subject), when it has one besides the objective's" }) ownerId?: string;
  @ApiProperty({ enum: KEY_RESULT_KINDS, nullable: true, description: 'null while only its check-ins have arrived' }) kind!: KeyResultKind | null;
  @ApiProperty(measureSchema('Its measure, targets revised in; null while only its check-ins have arrived', true)) measure!: KeyResultMeasure | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When it was added' }) addedAt?: string | null;
  @ApiProperty({ description: 'Dropped key results count for nothing (progress, confidence, risk)' }) dropped!: boolean;
  @ApiPropertyOptional({ description: 'Why it was dropped' }) droppedReason?: string;
  @ApiProperty({ ...NULLABLE_KEY_RESULT_VALUE_SCHEMA, description: 'The latest value (by the moment it describes); null before the first' })
  value!: KeyResultValue | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10, description: 'The latest confidence given by people' }) confidence!: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the team last checked in (latest recordedAt)' }) lastCheckInAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The moment the latest check-in describes (an ISO date or instant)' }) latestEffectiveAt!: string | null;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'From the measure and the latest value' }) progress!: number;
  @ApiProperty({ type: [Number], description: 'Up to the last 3 confidences, oldest first' }) recentConfidences!: number[];
  @ApiProperty({ type: [SummaryCheckInDto], description: 'Every check-in and measurement, by the moment it describes, then when recorded' }) checkIns!: SummaryCheckInDto[];
  @ApiProperty({ type: 'integer', description: 'Revision of its check-ins stream last applied; -1 for none' }) checkInRevision!: number;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1, description: 'Set once the objective is graded' }) grade!: number | null;
}

/** Where an objective came from or went on to, across cycles. */
export class CarryOverDto implements CarryOverSummary {
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ example: 'Activation is still below target' }) reason!: string;
}

/** `GET /objectives/{id}/summary`: an objective's current state as the read model holds it. */
export class ObjectiveSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'growth' }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Growth', description: 'The display name (the id when the team is not registered)' }) teamName!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) cycleId!: string | null;
  @ApiProperty({ type: CycleLabelDto, nullable: true, description: 'Its cycle by name; null when not known to the view yet' }) cycle!: CycleLabelDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'Its owner (the token subject)' }) ownerId!: string | null;
  @ApiProperty({ example: 'New customers succeed in their first week' }) title!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: SUMMARY_STATUSES }) status!: (typeof SUMMARY_STATUSES)[number];
  @ApiProperty({ enum: OBJECTIVE_STANDINGS, description: STANDING_DESCRIPTION }) standing!: ObjectiveStanding;
  @ApiProperty({ type: [String], description: 'The objectives it is aligned to' }) parentObjectiveIds!: string[];
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1 }) grade!: number | null;
  @ApiProperty({ type: String, nullable: true }) retrospective!: string | null;
  @ApiProperty({ type: [SummaryKeyResultDto], description: 'Every key result, dropped ones included (see `dropped`)' }) keyResults!: SummaryKeyResultDto[];
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Mean progress of its key results that were not dropped; 0 for none' }) progress!: number;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10, description: 'The lowest latest confidence of its key results' }) confidence!: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastCheckInAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) setAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) activatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When it was graded' }) closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) archivedAt!: string | null;
  @ApiPropertyOptional({ type: CarryOverDto, nullable: true, description: 'The objective it went on as in a later cycle' }) carriedOverTo?: CarryOverDto | null;
  @ApiPropertyOptional({ type: CarryOverDto, nullable: true, description: 'The objective of an earlier cycle it continues' }) carriedOverFrom?: CarryOverDto | null;
  @ApiProperty({ format: 'date-time', description: 'When the last event it reflects happened' }) updatedAt!: string;
  @ApiProperty({ type: 'integer', description: 'Revision of the objective stream last applied; -1 while only check-ins have arrived' }) revision!: number;
  @ApiProperty({ type: 'integer', description: 'Questions about it still waiting for an answer' }) openQuestions!: number;
}
