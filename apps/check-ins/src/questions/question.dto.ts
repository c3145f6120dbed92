import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, QUESTION_SUBJECTS, type QuestionStatus, type QuestionSubject } from '@okr/okr-domain';
import { ListQueryDto } from '@okr/platform';

export class AskQuestionDto {
  @ApiProperty({ example: 'What would tell you the checklist works before the quarter ends?', maxLength: MAX_QUESTION_LENGTH })
  @IsString() @IsNotEmpty() @MaxLength(MAX_QUESTION_LENGTH)
  text!: string;
}

export class AnswerQuestionDto {
  @ApiProperty({ example: 'Activation of the first 50 sign-ups after the release', maxLength: MAX_ANSWER_LENGTH })
  @IsString() @IsNotEmpty() @MaxLength(MAX_ANSWER_LENGTH)
  text!: string;
}

export class SetQuestionAsideDto {
  @ApiPropertyOptional({ example: 'Useful for next quarter’s planning' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

const STATUSES: QuestionStatus[] = ['open', 'answered', 'set-aside'];

export class QuestionsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: STATUSES, enumName: 'QuestionStatus' }) @IsOptional() @IsIn(STATUSES) status?: QuestionStatus;
}

export class AnswerItemDto {
  @ApiProperty({ example: 'Activation of the first 50 sign-ups after the release' }) text!: string;
  @ApiProperty({ example: 'alice', description: 'Who answered' }) answeredBy!: string;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
}

export class SetAsideDto {
  @ApiProperty({ example: 'alice', description: 'Who set it aside' }) by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ example: 'Useful for next quarter’s planning' }) note?: string;
}

/** A question with its answers, as the lists show it. */
export class QuestionItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: QUESTION_SUBJECTS, enumName: 'QuestionSubject', description: 'What it is asked about' }) subject!: QuestionSubject;
  @ApiProperty({ format: 'uuid', description: 'The objective, key result or learning it is asked about' }) subjectId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The objective it belongs to' }) objectiveId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The key result it is about, if any' }) keyResultId?: string;
  @ApiPropertyOptional({ example: 'growth', description: 'The team that answers it' }) teamId?: string;
  @ApiProperty({ example: 'What would tell you the checklist works before the quarter ends?' }) text!: string;
  @ApiProperty({ example: 'bob', description: 'Who asked' }) askedBy!: string;
  @ApiProperty({ format: 'date-time' }) askedAt!: string;
  @ApiProperty({ enum: STATUSES, enumName: 'QuestionStatus' }) status!: QuestionStatus;
  @ApiProperty({ type: [AnswerItemDto], description: 'Oldest first' }) answers!: AnswerItemDto[];
  @ApiPropertyOptional({ type: SetAsideDto, description: 'Set when the team set it aside for later' }) setAside?: SetAsideDto;
}

/** A question now, straight from its stream, with its revision for If-Match. */
export class QuestionDto extends QuestionItemDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: "The question stream's revision (its ETag): send it as If-Match to answer or set it aside" })
  revision!: number;
}
