import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_TEAM_LEADS, MAX_TEAM_NAME_LENGTH, TEAM_ID_PATTERN } from '@okr/okr-domain';

const TEAM_ID_MESSAGE = 'must be a team id: 1-63 lower-case letters, digits and inner dashes (e.g. "growth")';

/** The team as it should be: an admin's edit or an identity provider's group (`PUT /teams/{id}`). */
export class DescribeTeamDto {
  @ApiProperty({ example: 'Growth' }) @IsString() @IsNotEmpty() @MaxLength(MAX_TEAM_NAME_LENGTH) name!: string;

  @ApiPropertyOptional({ type: String, example: 'product', nullable: true, description: 'The parent team; null or absent for a top-level team' })
  @IsOptional()
  @IsString()
  @Matches(TEAM_ID_PATTERN, { message: `parentTeamId ${TEAM_ID_MESSAGE}` })
  parentTeamId?: string | null;

  @ApiPropertyOptional({ example: ['gina'], description: 'User ids of the team leads (the whole list: it replaces the previous one)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TEAM_LEADS)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  leads?: string[];
}

export const TEAM_ID_PARAM_MESSAGE = `id ${TEAM_ID_MESSAGE}`;

/** A registered team. */
export class TeamItemDto {
  @ApiProperty({ example: 'growth' }) id!: string;
  @ApiProperty({ example: 'Growth' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'product' }) parentTeamId!: string | null;
  @ApiProperty({ type: [String], example: ['gina'] }) leads!: string[];
}

/** The answer of `PUT /teams/{id}`: the facts it recorded (none when the team was already so). */
export class TeamDescribedDto {
  @ApiProperty({ example: 'growth' }) id!: string;
  @ApiProperty({ type: 'integer', description: "The team's revision (also the ETag)" }) revision!: number;
  @ApiProperty({ type: [String], example: ['TeamRegistered'], description: 'The events recorded; empty when nothing changed' }) changes!: string[];
}
