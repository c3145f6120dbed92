import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEY_RESULT_KINDS, OBJECTIVE_STATUSES, type KeyResultKind, type ObjectiveStatus } from '@okr/okr-domain';
import { KeyResultGradeDto } from './objective.dto';
import type { KeyResultView, ObjectiveView } from './objective.view';

/** A key result with its measure's numbers flat: which of them it has depends on `kind`. */
export class KeyResultDto implements KeyResultView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Week-1 activation' }) title!: string;
  @ApiProperty({ enum: KEY_RESULT_KINDS }) kind!: KeyResultKind;
  @ApiPropertyOptional({ description: 'Where it started (increase, decrease; optional for thresholds and ranges)', example: 20 }) start?: number;
  @ApiPropertyOptional({ description: 'increase / decrease', example: 40 }) target?: number;
  @ApiPropertyOptional({ description: 'stay-at-or-above / stay-at-or-below' }) threshold?: number;
  @ApiPropertyOptional({ description: 'stay-within-range' }) min?: number;
  @ApiPropertyOptional({ description: 'stay-within-range' }) max?: number;
  @ApiPropertyOptional({ example: '%' }) unit?: string;
  @ApiPropertyOptional({ description: "The key result's own owner, when not the objective's" }) ownerId?: string;
  @ApiProperty({ enum: ['active', 'dropped'], description: 'Dropped key results stay, with their reason' }) status!: 'active' | 'dropped';
  @ApiPropertyOptional() droppedReason?: string;
}

/** The end-of-cycle assessment of a graded objective (the latest correction included). */
export class ObjectiveGradeDto {
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.7 }) overallGrade!: number;
  @ApiProperty({ type: [KeyResultGradeDto] }) keyResultGrades!: KeyResultGradeDto[];
  @ApiPropertyOptional({ description: 'Why the overall grade differs from the mean of the key results' }) overallGradeReason?: string;
  @ApiProperty({ example: 'Activation moved once onboarding emails were personal.' }) retrospective!: string;
}

/** One end of a carry-over: the objective at the other end, its cycle, and why. */
export class CarryOverLinkDto {
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty() reason!: string;
}

/** An objective now, or as it stood at `asOf`. */
export class ObjectiveDto implements ObjectiveView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ example: 'growth' }) teamId!: string;
  @ApiProperty({ example: 'alice' }) ownerId!: string;
  @ApiProperty({ example: 'New customers succeed in their first week' }) title!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: OBJECTIVE_STATUSES }) status!: ObjectiveStatus;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Objectives this one contributes to, in the order they were aligned' })
  parentObjectiveIds!: string[];
  @ApiProperty({ type: [KeyResultDto], description: 'In the order they were added, dropped ones included' }) keyResults!: KeyResultDto[];
  @ApiPropertyOptional({ type: ObjectiveGradeDto, description: 'Once graded' }) grade?: ObjectiveGradeDto;
  @ApiPropertyOptional({ type: CarryOverLinkDto, description: 'The objective it went on as, in a later cycle' }) carriedOverTo?: CarryOverLinkDto;
  @ApiPropertyOptional({ type: CarryOverLinkDto, description: 'The objective of an earlier cycle it continues' }) carriedOverFrom?: CarryOverLinkDto;
  @ApiProperty({ type: 'integer', description: 'Revision of its stream (the ETag); send it as If-Match' }) revision!: number;
  @ApiProperty({ format: 'date-time', description: 'When the last change happened' }) updatedAt!: string;
  @ApiProperty({ description: 'Who made the last change' }) updatedBy!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'The instant asked for with ?asOf=' }) asOf?: string;
}

/** The answer of `POST /objectives`: the new objective and its revision. */
export class ObjectiveSetDto {
  @ApiProperty({ format: 'uuid', description: 'The new objective (also in Location)' }) id!: string;
  @ApiProperty({ type: 'integer', description: 'Its revision (also the ETag)' }) revision!: number;
}

/** The answer of a change to an objective: its revision after the change and the facts recorded. */
export class ObjectiveChangedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer', description: 'The revision after the change (also the ETag)' }) revision!: number;
  @ApiProperty({ type: [String], example: ['ObjectiveReworded'], description: 'The events recorded; empty when the change was already so' })
  events!: string[];
}

/** The answer of `POST /objectives/{id}/key-results`: `id` is the new key result's. */
export class KeyResultAddedDto {
  @ApiProperty({ format: 'uuid', description: 'The new key result (also in Location)' }) id!: string;
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ type: 'integer', description: "The objective's revision after the change (also the ETag)" }) revision!: number;
  @ApiProperty({ type: [String], example: ['KeyResultAdded'] }) events!: string[];
}

export class CarriedOverFromDto {
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty({ type: 'integer', description: "The earlier objective's revision after the carry-over was recorded on it" }) revision!: number;
}

export class CarriedKeyResultDto {
  @ApiProperty({ format: 'uuid', description: 'The key result in the new objective' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The key result it continues' }) fromKeyResultId!: string;
  @ApiProperty() title!: string;
}

/** The answer of `POST /objectives/{id}/carry-over`: the objective it goes on as in the later cycle. */
export class ObjectiveCarriedOverDto {
  @ApiProperty({ format: 'uuid', description: 'The new objective (also in Location)' }) id!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ type: 'integer', description: "The new objective's revision (also the ETag)" }) revision!: number;
  @ApiProperty({ type: CarriedOverFromDto }) carriedOverFrom!: CarriedOverFromDto;
  @ApiProperty({ type: [CarriedKeyResultDto], description: 'The key results carried (a milestone already done is not)' })
  keyResults!: CarriedKeyResultDto[];
}
