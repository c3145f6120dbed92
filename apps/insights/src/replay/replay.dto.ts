import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  KEY_RESULT_KINDS,
  LEARNING_RESULTS,
  OBJECTIVE_STATUSES,
  QUESTION_SUBJECTS,
  type KeyResultKind,
  type KeyResultValue,
  type LearningResult,
  type ObjectiveStatus,
  type QuestionStatus,
  type QuestionSubject,
} from '@okr/okr-domain';
import { ISO_DATE_OR_INSTANT, ListQueryDto } from '@okr/platform';
import { NULLABLE_KEY_RESULT_VALUE_SCHEMA } from '../read-models/key-result-measure.dto';
import { CHECK_INS_READINGS, type CheckInsReading, type ReplayKeyResult, type ReplayLearning, type ReplayObjective, type ReplayQuestion } from './replay';

const QUESTION_STATUSES = ['open', 'answered', 'set-aside'] as const satisfies readonly QuestionStatus[];

export const AS_OF_MESSAGE = 'asOf must be an ISO-8601 date or instant (e.g. 2026-10-12T09:30:00Z)';

/** `?checkIns=known|corrected`, shared by the replay and its frames. */
export const CheckInsReadingProperty = () => (target: object, key: string) => {
  ApiPropertyOptional({
    enum: CHECK_INS_READINGS,
    default: 'known',
    description: 'known: the check-ins as recorded and corrected by then (what people saw); corrected: as corrected since (every correction, and check-ins recorded later about moments up to then)',
  })(target, key);
  IsOptional()(target, key);
  IsIn(CHECK_INS_READINGS, { message: `checkIns must be one of: ${CHECK_INS_READINGS.join(', ')}` })(target, key);
};

/** `?asOf=` (required), the optional team / cycle / subtree filter of a replay, and its page (`limit`, `cursor`). */
export class ReplayQueryDto extends ListQueryDto {
  @ApiProperty({ example: '2026-10-12T09:30:00Z', description: 'The instant to replay' })
  @IsString({ message: AS_OF_MESSAGE })
  @Matches(ISO_DATE_OR_INSTANT, { message: AS_OF_MESSAGE })
  asOf!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) teamId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;

  @ApiPropertyOptional({ description: 'An objective: it and everything aligned under it at the instant' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) subtreeOf?: string;

  @CheckInsReadingProperty() checkIns?: CheckInsReading;
}

/** A key result as it stood at the instant: its target then, the check-ins known then. */
export class ReplayKeyResultDto implements ReplayKeyResult {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Week-1 activation' }) title!: string;
  @ApiProperty({ enum: KEY_RESULT_KINDS }) kind!: KeyResultKind;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 40,
    description: '`target` (increase / decrease) or `threshold` (stay at or above / below) in force then; null for a range (see min, max) or a milestone',
  })
  target!: number | null;
  @ApiPropertyOptional({ description: 'Only for stay-within-range' }) min?: number;
  @ApiPropertyOptional({ description: 'Only for stay-within-range' }) max?: number;
  @ApiPropertyOptional({ example: '%', description: 'The unit of its values, when it has one' }) unit?: string;
  @ApiProperty({ ...NULLABLE_KEY_RESULT_VALUE_SCHEMA, description: 'The latest check-in known then (by the moment it describes); null before the first' })
  value!: KeyResultValue | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10, description: 'The latest confidence known then' }) confidence!: number | null;
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
}

/** An objective as it stood at the instant. */
export class ReplayObjectiveDto implements ReplayObjective {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'New customers succeed in their first week', description: 'Its title then' }) title!: string;
  @ApiProperty({ example: 'growth' }) teamId!: string;
  @ApiProperty({ example: 'Growth', description: "The team's display name now (its id when the team is not registered)" }) teamName!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-Q4', description: "The cycle's name now; null when the view does not know the cycle" }) cycleName!: string | null;
  @ApiProperty({ type: [String], description: 'The objectives it was aligned to at the instant (its parents in the alignment map then)' }) parentObjectiveIds!: string[];
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Mean progress of its key results then; 0 for none' }) progress!: number;
  @ApiProperty({ enum: OBJECTIVE_STATUSES, description: 'Its status then' }) status!: ObjectiveStatus;
  @ApiProperty({ type: [ReplayKeyResultDto], description: 'Its key results then, dropped ones left out' }) keyResults!: ReplayKeyResultDto[];
}

/** A learning as it stood at the instant. */
export class ReplayLearningDto implements ReplayLearning {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: LEARNING_RESULTS }) result!: LearningResult;
  @ApiProperty({ example: 'Users stall at permissions, not at the import' }) insight!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The objective it is about, if any' }) objectiveId?: string;
  @ApiProperty({ type: [String], description: 'The key results it is about' }) keyResultIds!: string[];
}

export class ReplayAnswerDto {
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Who answered (the token subject)' }) answeredBy!: string;
}

/** A question to a team as it stood: open, answered (with the answers given by then) or set aside. */
export class ReplayQuestionDto implements ReplayQuestion {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: QUESTION_SUBJECTS }) subject!: QuestionSubject;
  @ApiProperty({ format: 'uuid', description: 'The objective, key result or learning asked about' }) subjectId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) objectiveId?: string;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Who asked (the token subject)' }) askedBy!: string;
  @ApiProperty({ enum: QUESTION_STATUSES }) status!: QuestionStatus;
  @ApiProperty({ type: [ReplayAnswerDto], description: 'The answers given by then, oldest first' }) answers!: ReplayAnswerDto[];
}
