import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { CheckInsReading } from '../replay/replay';
import { CheckInsReadingProperty, ReplayLearningDto, ReplayObjectiveDto } from '../replay/replay.dto';
import type { Frame, FramesView } from './frames';

/**
 * `?from=&to=&step=&objectiveId=|teamId=|cycleId=&checkIns=`: only shapes here (strings); what is required and how the
 * fields relate is checked by `parseFramesQuery`, so that each 400 names the field at fault.
 */
export class FramesQueryDto {
  @ApiPropertyOptional({ example: '2026-10-01', description: 'First frame (required)' })
  @IsOptional() @IsString() @MaxLength(40) from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last possible frame, included (required)' })
  @IsOptional() @IsString() @MaxLength(40) to?: string;

  @ApiPropertyOptional({ enum: ['day', 'week'], description: 'Between frames (required)' })
  @IsOptional() @IsString() @MaxLength(10) step?: string;

  @ApiPropertyOptional({ description: 'One objective (or teamId, or cycleId)' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) objectiveId?: string;

  @ApiPropertyOptional({ description: 'One team (or objectiveId, or cycleId)' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) teamId?: string;

  @ApiPropertyOptional({ description: "One cycle's objectives (alone: the whole organisation's film of a quarter; with teamId: that team's)" })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;

  @CheckInsReadingProperty() checkIns?: CheckInsReading;
}

/**
 * One stop of the film: exactly what `GET /replay?asOf={at}` answers for the same team (restricted to
 * the objective under `?objectiveId=`). What changed since the previous frame is not given: compare
 * with it (values, targets, statuses, learnings appearing).
 */
export class FrameDto implements Frame {
  @ApiProperty({ format: 'date-time', example: '2026-10-08T00:00:00.000Z', description: 'The instant of this frame' }) at!: string;
  @ApiProperty({ type: [ReplayObjectiveDto], description: 'The objective, or the team\'s objectives, as they stood at `at`' }) objectives!: ReplayObjectiveDto[];
  @ApiProperty({ type: [ReplayLearningDto], description: 'Their learnings captured by `at`' }) learnings!: ReplayLearningDto[];
}

/** `GET /frames`: the frames from `from` to `to`, one per step, oldest first (at most 200). */
export class FramesViewDto implements FramesView {
  @ApiProperty({ type: [FrameDto], description: '`from`, `from + step`, … while not after `to`' }) frames!: FrameDto[];
}
