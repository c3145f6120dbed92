import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEY_RESULT_KINDS, OBJECTIVE_STATUSES, QUESTION_SUBJECTS, type KeyResultKind, type KeyResultTarget, type KeyResultValue, type QuestionSubject } from '@okr/okr-domain';
import { CycleLabelDto, MEASURE_MODELS, NULLABLE_KEY_RESULT_VALUE_SCHEMA, targetSchema } from './key-result-measure.dto';
import { OBJECTIVE_STANDINGS, type ObjectiveStanding } from './objective-standing';

/** An objective's status in the views: the domain's, or `unknown` while only its check-ins have arrived. */
export const SUMMARY_STATUSES = [...OBJECTIVE_STATUSES, 'unknown'] as const;

export const STANDING_DESCRIPTION =
  'Where the objective stands for a reader, its status and its cycle together: an objective not graded once its cycle ended is ' +
  '`ended-not-graded` (or `carried-over` when it goes on in a later cycle), not behind pace; closed is `graded`';

/** A key result on the dashboard: its measure's target, latest value, confidence and progress. */
@ApiExtraModels(...MEASURE_MODELS)
export class DashboardKeyResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Week-1 activation' }) title!: string;
  @ApiProperty({ enum: KEY_RESULT_KINDS, nullable: true, description: 'null while only its check-ins have arrived' }) kind!: KeyResultKind | null;
  @ApiProperty(targetSchema('The target in force (after any revision); null for a milestone or an unknown measure')) target!: KeyResultTarget | null;
  @ApiProperty({ type: String, nullable: true, example: '%' }) unit!: string | null;
  @ApiProperty({ ...NULLABLE_KEY_RESULT_VALUE_SCHEMA, description: 'The latest check-in (by the moment it describes); null before the first' })
  value!: KeyResultValue | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10, description: 'The latest confidence given by people (0-10)' }) confidence!: number | null;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.5, description: 'From the measure and the latest value' }) progress!: number;
}

/** An objective of the team in the cycle shown. */
export class DashboardObjectiveDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'New customers succeed in their first week' }) title!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) cycleId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-Q4', description: 'null when the cycle is not known to the view yet' }) cycleName!: string | null;
  @ApiProperty({ enum: SUMMARY_STATUSES }) status!: (typeof SUMMARY_STATUSES)[number];
  @ApiProperty({ enum: OBJECTIVE_STANDINGS, description: STANDING_DESCRIPTION }) standing!: ObjectiveStanding;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Mean progress of its key results that were not dropped; 0 for none' }) progress!: number;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10, description: 'The lowest latest confidence of its key results; null before any check-in' })
  confidence!: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the team last checked in on any of its key results' })
  lastCheckInAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1, description: 'Set once graded' }) grade!: number | null;
  @ApiProperty({ description: 'At least one of its key results is at risk now' }) atRisk!: boolean;
  @ApiProperty({ type: 'integer', description: 'Questions to the team about it still waiting for an answer' }) openQuestions!: number;
  @ApiProperty({ type: [DashboardKeyResultDto], description: 'Its key results, dropped ones left out' }) keyResults!: DashboardKeyResultDto[];
}

/** Objectives per status: only the statuses present are given. */
export class ObjectivesByStatusDto implements Partial<Record<(typeof SUMMARY_STATUSES)[number], number>> {
  @ApiPropertyOptional({ type: 'integer' }) draft?: number;
  @ApiPropertyOptional({ type: 'integer' }) active?: number;
  @ApiPropertyOptional({ type: 'integer' }) closed?: number;
  @ApiPropertyOptional({ type: 'integer' }) archived?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Only check-ins of it have arrived so far' }) unknown?: number;
}

/** The dashboard's totals over the objectives shown. */
export class DashboardCountsDto {
  @ApiProperty({ type: 'integer' }) objectives!: number;
  @ApiProperty({ type: ObjectivesByStatusDto, example: { active: 3, draft: 1 } }) byStatus!: ObjectivesByStatusDto;
  @ApiProperty({ type: 'integer' }) keyResultsAtRisk!: number;
  @ApiProperty({ type: 'integer' }) objectivesAtRisk!: number;
  @ApiProperty({ type: 'integer', description: 'Learnings of the team (of the objectives shown, when a cycle is shown)' }) learnings!: number;
  @ApiProperty({ type: 'integer' }) openQuestions!: number;
}

/** A question to the team that waits for an answer, with the titles it is about. */
export class OpenQuestionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Is the import still the bottleneck?' }) text!: string;
  @ApiProperty({ description: 'Who asked (the token subject)' }) askedBy!: string;
  @ApiProperty({ format: 'date-time' }) askedAt!: string;
  @ApiProperty({ enum: QUESTION_SUBJECTS, description: 'What the question is about' }) subject!: QuestionSubject;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) objectiveId!: string | null;
  @ApiProperty({ type: String, nullable: true }) objectiveTitle!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) keyResultId!: string | null;
  @ApiProperty({ type: String, nullable: true }) keyResultTitle!: string | null;
}

/** `GET /teams/{teamId}/dashboard`: a team's objectives of one cycle, with totals and open questions. */
export class TeamDashboardDto {
  @ApiProperty({ example: 'growth' }) teamId!: string;
  @ApiProperty({ example: 'Growth', description: 'The display name (the id when the team is not registered)' }) teamName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Its parent in the organisation chart' }) parentTeamId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The cycle shown; null when the team has no cycle yet' }) cycleId!: string | null;
  @ApiProperty({
    type: CycleLabelDto,
    nullable: true,
    description: "The cycle shown, by name: the team's current one unless `?cycleId=` chose; null when there is none or it is not known yet",
  })
  cycle!: CycleLabelDto | null;
  @ApiProperty({ type: [CycleLabelDto], description: "Every cycle of the team's objectives, newest first (for a cycle picker)" }) cycles!: CycleLabelDto[];
  @ApiProperty({ type: [DashboardObjectiveDto], description: 'Oldest set first' }) objectives!: DashboardObjectiveDto[];
  @ApiProperty({ type: DashboardCountsDto }) counts!: DashboardCountsDto;
  @ApiProperty({ type: [OpenQuestionDto], description: 'Oldest first' }) openQuestions!: OpenQuestionDto[];
}
