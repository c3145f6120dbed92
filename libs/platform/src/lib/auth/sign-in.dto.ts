import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { AUTH_MODES, type AuthMode } from '../config/platform-config';
import { ROLES } from './claims';

/** A tenant, user or team name: printable, no surrounding spaces. */
const NAME = /^\S(?:.*\S)?$/;
const nameMessage = (what: string) => ({ message: `${what} must be 1-200 characters without leading or trailing spaces` });

/** Who signs in, in embedded mode: what a token of the embedded issuer says. */
export class EmbeddedTokenRequestDto {
  @ApiProperty({ description: 'The tenant (organisation) to act in', example: 'acme' })
  @IsString(nameMessage('tenant')) @MaxLength(200, nameMessage('tenant')) @Matches(NAME, nameMessage('tenant'))
  tenant!: string;

  @ApiProperty({ description: 'Who signs in: the events record them as the actor', example: 'alice' })
  @IsString(nameMessage('user')) @MaxLength(200, nameMessage('user')) @Matches(NAME, nameMessage('user'))
  user!: string;

  @ApiProperty({ type: [String], description: "The teams whose goals the person may change (up to 100)", example: ['growth'] })
  @IsArray() @ArrayMaxSize(100)
  @IsString({ each: true, ...nameMessage('each team') }) @MaxLength(200, { each: true, ...nameMessage('each team') }) @Matches(NAME, { each: true, ...nameMessage('each team') })
  teams!: string[];

  @ApiProperty({ type: [String], enum: ROLES, description: 'Roles; none means member', example: ['member'] })
  @IsArray() @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: `each role must be one of: ${ROLES.join(', ')}` })
  roles!: string[];

  @ApiPropertyOptional({ description: 'Lifetime in seconds: 60 up to OKR_TOKEN_MAX_LIFETIME_SECONDS; 8 hours (or that maximum) by default', example: 28800 })
  @IsOptional() @IsInt({ message: 'expiresInSeconds must be a whole number of seconds' }) @Min(60, { message: 'expiresInSeconds must be at least 60' })
  expiresInSeconds?: number;
}

/** A bearer token of the embedded issuer. */
export class EmbeddedTokenDto {
  @ApiProperty({ description: 'Send it as `Authorization: Bearer <token>`' })
  token!: string;

  @ApiProperty({ format: 'date-time', description: 'When the services start refusing it' })
  expiresAt!: string;
}

/** Names of the token claims the services read (`OKR_TENANT_CLAIM`, `OKR_ROLES_CLAIM`, `OKR_TEAMS_CLAIM`). */
export class ClaimNamesDto {
  @ApiProperty({ example: 'tenant' }) tenant!: string;
  @ApiProperty({ example: 'roles' }) roles!: string;
  @ApiProperty({ example: 'teams' }) teams!: string;
}

/** Where a browser signs in with OpenID Connect (authorization code flow with PKCE). */
export class OidcSettingsDto {
  @ApiProperty({ description: 'The identity provider (`OKR_OIDC_ISSUER`)', example: 'https://login.example.com/realms/okr' })
  issuer!: string;

  @ApiProperty({ description: "The web app's client id at the provider (`OKR_OIDC_CLIENT_ID`)", example: 'okr-web' })
  clientId!: string;

  @ApiProperty({ type: ClaimNamesDto })
  claims!: ClaimNamesDto;
}

/** How people sign in to this platform. */
export class AuthConfigDto {
  @ApiProperty({ enum: AUTH_MODES, description: '`embedded`: POST /api/v1/auth/embedded-tokens; `oidc`: the provider in `oidc`' })
  mode!: AuthMode;

  @ApiPropertyOptional({ type: OidcSettingsDto, description: 'Only in `oidc` mode' })
  oidc?: OidcSettingsDto;
}
