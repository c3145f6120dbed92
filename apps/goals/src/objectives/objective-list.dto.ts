import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { OBJECTIVE_STATUSES, type ObjectiveStatus } from '@okr/okr-domain';
import { ListQueryDto } from '@okr/platform';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class ListObjectivesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() cycleId?: string;
  @ApiPropertyOptional({ example: 'growth' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'teamId must be a slug (letters, digits, . _ -)' })
  teamId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, { message: 'ownerId must be a user id (letters, digits, . _ -)' }) ownerId?: string;
  @ApiPropertyOptional({ enum: OBJECTIVE_STATUSES })
  @IsOptional()
  @IsIn(OBJECTIVE_STATUSES, { message: `status must be one of ${OBJECTIVE_STATUSES.join(', ')}` })
  status?: ObjectiveStatus;
  @ApiPropertyOptional({ description: 'Words in the title or description (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

/** One objective in the list. */
export class ObjectiveListItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty() teamId!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({ enum: OBJECTIVE_STATUSES }) status!: ObjectiveStatus;
  @ApiProperty({ type: 'integer', description: 'Key results not dropped' }) keyResultCount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'integer', description: 'Revision of its stream when the list last saw it' }) revision!: number;
}
