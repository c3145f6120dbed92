import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, type QuestionStatus } from '@okr/okr-domain';
import { QUESTIONS_DEFAULT_LIMIT, QUESTIONS_MAX_LIMIT } from './question.queries';

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

export class QuestionsQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: QuestionStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: QUESTIONS_MAX_LIMIT, default: QUESTIONS_DEFAULT_LIMIT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(QUESTIONS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}
