import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ISO_DATE_OR_INSTANT } from '@okr/platform';

export const AS_OF_MESSAGE = 'asOf must be an ISO-8601 date or instant (e.g. 2026-10-12T09:30:00Z)';

/** `?asOf=` (required) and the optional team / cycle filter of a replay. */
export class ReplayQueryDto {
  @ApiProperty({ example: '2026-10-12T09:30:00Z', description: 'The instant to replay' })
  @IsString({ message: AS_OF_MESSAGE })
  @Matches(ISO_DATE_OR_INSTANT, { message: AS_OF_MESSAGE })
  asOf!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) teamId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) cycleId?: string;
}
