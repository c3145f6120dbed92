import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class PlanCycleDto {
  @ApiProperty({ example: '2026-Q4' }) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiProperty({ example: '2026-10-01' }) @Matches(DATE, { message: 'startsOn must be a date YYYY-MM-DD' }) startsOn!: string;
  @ApiProperty({ example: '2026-12-31' }) @Matches(DATE, { message: 'endsOn must be a date YYYY-MM-DD' }) endsOn!: string;
  @ApiProperty({ example: 7, minimum: 1, maximum: 90 }) @IsInt() @Min(1) @Max(90) checkInCadenceDays!: number;
}

export class RenameCycleDto {
  @ApiProperty({ example: '2026-Q4 (extended)' }) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
}

export class RescheduleCycleDto {
  @ApiProperty({ example: '2026-10-05' }) @Matches(DATE, { message: 'startsOn must be a date YYYY-MM-DD' }) startsOn!: string;
  @ApiProperty({ example: '2027-01-04' }) @Matches(DATE, { message: 'endsOn must be a date YYYY-MM-DD' }) endsOn!: string;
}

export class UngradedObjectiveDto {
  @ApiProperty({ format: 'uuid' }) objectiveId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() teamId!: string;
}

/** A cycle as lists and reads show it, with its status at the time of the request. */
export class CycleItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-Q4' }) name!: string;
  @ApiProperty({ example: '2026-10-01' }) startsOn!: string;
  @ApiProperty({ example: '2026-12-31' }) endsOn!: string;
  @ApiProperty({ type: 'integer', example: 7, description: 'Days between check-ins' }) checkInCadenceDays!: number;
  @ApiProperty({ enum: ['upcoming', 'active', 'ended', 'closed'], description: 'Now: before its start, between its dates, after its end, or closed' }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiPropertyOptional({ type: [UngradedObjectiveDto], description: 'When closed: the objectives left neither graded nor carried over' })
  ungradedObjectives?: UngradedObjectiveDto[];
}

/** A cycle read from its stream: its revision is the ETag to send as If-Match. */
export class CycleDto extends CycleItemDto {
  @ApiProperty({ type: 'integer', description: 'Revision of its stream (the ETag)' }) revision!: number;
}

/** The answer of planning, renaming or rescheduling a cycle. */
export class CycleRevisionDto {
  @ApiProperty({ format: 'uuid', description: 'The cycle (for a new one, also in Location)' }) id!: string;
  @ApiProperty({ type: 'integer', description: 'Its revision after the write (also the ETag)' }) revision!: number;
}

/** The answer of closing a cycle: what was left neither graded nor carried over. */
export class CycleClosedDto extends CycleRevisionDto {
  @ApiProperty({ enum: ['closed'] }) status!: 'closed';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: [UngradedObjectiveDto] }) ungradedObjectives!: UngradedObjectiveDto[];
}
