import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, QUESTION_SUBJECTS, type QuestionStatus } from '@okr/okr-domain';
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
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: QuestionStatus;
}

export class AnswerItemDto {
  @ApiProperty() text!: string;
  @ApiProperty() answeredBy!: string;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
}

export class SetAsideDto {
  @ApiProperty() by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional() note?: string;
}

/** A question with its answers, as the lists show it. */
export class QuestionItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: QUESTION_SUBJECTS }) subject!: string;
  @ApiProperty({ format: 'uuid' }) subjectId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) objectiveId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) keyResultId?: string;
  @ApiPropertyOptional() teamId?: string;
  @ApiProperty() text!: string;
  @ApiProperty() askedBy!: string;
  @ApiProperty({ format: 'date-time' }) askedAt!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: [AnswerItemDto] }) answers!: AnswerItemDto[];
  @ApiPropertyOptional({ type: SetAsideDto }) setAside?: SetAsideDto;
}
