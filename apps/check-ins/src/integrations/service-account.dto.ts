import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { SERVICE_ACCOUNT_NAME } from '@okr/okr-domain';

const TEAM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class ServiceAccountScopeDto {
  @ApiPropertyOptional({ type: [String], example: ['growth'], description: 'Every key result of these teams' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @Matches(TEAM, { each: true, message: 'each team must be a slug (letters, digits, . _ -)' })
  teams?: string[];

  @ApiPropertyOptional({ type: [String], description: 'These key results' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  keyResultIds?: string[];
}

export class CreateServiceAccountDto {
  @ApiProperty({ example: 'product-analytics', description: 'Records appear as integration:<name>' })
  @Matches(SERVICE_ACCOUNT_NAME, { message: 'name must be 3 to 64 lowercase letters, digits and dashes, e.g. product-analytics' })
  name!: string;

  @ApiProperty({ type: ServiceAccountScopeDto })
  @IsObject({ message: 'scope must be an object {teams?, keyResultIds?}' }) @ValidateNested() @Type(() => ServiceAccountScopeDto)
  scope!: ServiceAccountScopeDto;
}

export class RevokeServiceAccountDto {
  @ApiProperty({ example: 'The analytics contract ended' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

/** A service account as the list shows it: never its key, only the key's id. */
export class ServiceAccountItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'product-analytics' }) name!: string;
  @ApiProperty({ type: ServiceAccountScopeDto }) scope!: ServiceAccountScopeDto;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() rotations!: number;
  @ApiProperty({ example: 'integration:product-analytics' }) actor!: string;
  @ApiPropertyOptional({ description: 'Absent once revoked' }) keyId?: string;
}
