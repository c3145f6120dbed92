import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * `?from=&to=&step=&objectiveId=|teamId=`: only shapes here (strings); what is required and how the
 * fields relate is checked by `parseFramesQuery`, so that each 400 names the field at fault.
 */
export class FramesQueryDto {
  @ApiPropertyOptional({ example: '2026-10-01', description: 'First frame (required)' })
  @IsOptional() @IsString() @MaxLength(40) from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last possible frame, included (required)' })
  @IsOptional() @IsString() @MaxLength(40) to?: string;

  @ApiPropertyOptional({ enum: ['day', 'week'], description: 'Between frames (required)' })
  @IsOptional() @IsString() @MaxLength(10) step?: string;

  @ApiPropertyOptional({ description: 'One objective (or teamId)' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) objectiveId?: string;

  @ApiPropertyOptional({ description: 'One team (or objectiveId)' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) teamId?: string;
}
