import { ApiProperty, ApiPropertyOptional, getSchemaPath, type ApiPropertyOptions } from '@nestjs/swagger';
import type { CycleStatus, RangeMeasure, ThresholdMeasure, ToTargetMeasure } from '@okr/okr-domain';

/**
 * The OpenAPI shapes of a key result's measure, target and values, shared by every view that shows a
 * key result (summary, dashboard, series, replay). Each union is a `oneOf` of named schemas, so a
 * generated client gets a union type it can narrow on `kind` or on the fields present.
 */

/** A checked-in value: a number, or done / not done (`true` / `false`) for a milestone. */
export const KEY_RESULT_VALUE_SCHEMA: ApiPropertyOptions = {
  oneOf: [{ type: 'number' }, { type: 'boolean' }],
  description: 'A number, or done (true) / not done (false) for a milestone',
  example: 30,
};

/** {@link KEY_RESULT_VALUE_SCHEMA}, or null before the first check-in. */
export const NULLABLE_KEY_RESULT_VALUE_SCHEMA: ApiPropertyOptions = { ...KEY_RESULT_VALUE_SCHEMA, nullable: true };

export const CYCLE_STATUSES = ['upcoming', 'active', 'ended', 'closed'] as const satisfies readonly CycleStatus[];

/** Move a number from `start` up (increase) or down (decrease) to `target`. */
export class ToTargetMeasureDto implements ToTargetMeasure {
  @ApiProperty({ enum: ['increase', 'decrease'] }) kind!: 'increase' | 'decrease';
  @ApiProperty({ example: 20 }) start!: number;
  @ApiProperty({ example: 40 }) target!: number;
  @ApiPropertyOptional({ example: '%' }) unit?: string;
}

/** Keep a number at or above / at or below `threshold`. */
export class ThresholdMeasureDto implements ThresholdMeasure {
  @ApiProperty({ enum: ['stay-at-or-above', 'stay-at-or-below'] }) kind!: 'stay-at-or-above' | 'stay-at-or-below';
  @ApiProperty({ example: 40 }) threshold!: number;
  @ApiPropertyOptional({ description: 'The baseline, when known' }) start?: number;
  @ApiPropertyOptional({ example: 'NPS' }) unit?: string;
}

/** Keep a number within [min, max]. */
export class RangeMeasureDto implements RangeMeasure {
  @ApiProperty({ enum: ['stay-within-range'] }) kind!: 'stay-within-range';
  @ApiProperty({ example: 95 }) min!: number;
  @ApiProperty({ example: 99 }) max!: number;
  @ApiPropertyOptional({ description: 'The baseline, when known' }) start?: number;
  @ApiPropertyOptional({ example: 'ms' }) unit?: string;
}

/** Done or not done. */
export class MilestoneMeasureDto {
  @ApiProperty({ enum: ['milestone'] }) kind!: 'milestone';
}

/** What a target revision moves on an increase / decrease key result. */
export class TargetValueDto {
  @ApiProperty({ example: 40 }) target!: number;
}

/** What a target revision moves on a stay-at-or-above / below key result. */
export class ThresholdValueDto {
  @ApiProperty({ example: 40 }) threshold!: number;
}

/** What a target revision moves on a stay-within-range key result. */
export class RangeValueDto {
  @ApiProperty({ example: 95 }) min!: number;
  @ApiProperty({ example: 99 }) max!: number;
}

/** Every named schema the unions below refer to: give them to `@ApiExtraModels` where a union is used. */
export const MEASURE_MODELS = [ToTargetMeasureDto, ThresholdMeasureDto, RangeMeasureDto, MilestoneMeasureDto, TargetValueDto, ThresholdValueDto, RangeValueDto];

/** A key result's measure, one schema per kind. */
export const measureSchema = (description: string, nullable = false): ApiPropertyOptions => ({
  oneOf: [ToTargetMeasureDto, ThresholdMeasureDto, RangeMeasureDto, MilestoneMeasureDto].map((m) => ({ $ref: getSchemaPath(m) })),
  ...(nullable ? { nullable: true } : {}),
  description,
});

/** The numbers of a key result's target: `{target}`, `{threshold}` or `{min, max}`; null for a milestone. */
export const targetSchema = (description: string): ApiPropertyOptions => ({
  oneOf: [TargetValueDto, ThresholdValueDto, RangeValueDto].map((m) => ({ $ref: getSchemaPath(m) })),
  nullable: true,
  description,
});

/** A cycle as an answer names it, with its status now (which moves with the clock). */
export class CycleLabelDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-Q4' }) name!: string;
  @ApiProperty({ enum: CYCLE_STATUSES, description: 'upcoming, active (started, not ended), ended (past its end date), closed' }) status!: CycleStatus;
}
