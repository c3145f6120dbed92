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

/** The key results a service account may feed: every key result of `teams`, and `keyResultIds`. */
export class ServiceAccountScopeItemDto {
  @ApiProperty({ type: [String], example: ['growth'] }) teams!: string[];
  @ApiProperty({ type: [String], description: 'Key result UUIDs' }) keyResultIds!: string[];
}

/** A service account as the API shows it: never its key, only the key's id. */
export class ServiceAccountItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'product-analytics' }) name!: string;
  @ApiProperty({ type: ServiceAccountScopeItemDto }) scope!: ServiceAccountScopeItemDto;
  @ApiProperty({ enum: ['active', 'revoked'], enumName: 'ServiceAccountStatus' }) status!: 'active' | 'revoked';
  @ApiProperty({ example: 'alice', description: 'The admin who created it' }) createdBy!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many times its key was replaced' }) rotations!: number;
  @ApiProperty({ example: 'integration:product-analytics', description: 'The actor of everything it records' }) actor!: string;
  @ApiPropertyOptional({ description: 'The id of its one working key (public, part of the key); absent once revoked' }) keyId?: string;
}

/** A change to a service account: the account after it and the registry's revision. */
export class ServiceAccountChangedDto extends ServiceAccountItemDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: "The revision of the tenant's service-account registry after the change" }) revision!: number;
}

/** A service account with its new API key: answered once, on creation and on rotation, and never kept. */
export class ServiceAccountKeyIssuedDto extends ServiceAccountChangedDto {
  @ApiProperty({ description: 'The API key, shown this once: store it in the data source as a bearer token' }) apiKey!: string;
}
