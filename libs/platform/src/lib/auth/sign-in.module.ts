import { Body, Controller, Get, HttpCode, Inject, Module, Post, type DynamicModule } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { decodeJwt } from 'jose';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import { ValidationProblem } from '../errors/problems';
import { NotIdempotentlyStored } from '../idempotency/idempotency.interceptor';
import { OmitProblemResponses } from '../openapi/problem-responses';
import { issueEmbeddedToken } from './embedded-token';
import { Public } from './principal';
import { AuthConfigDto, EmbeddedTokenDto, EmbeddedTokenRequestDto } from './sign-in.dto';

/** Lifetime of a signed-in person's token unless they ask for less (capped by `OKR_TOKEN_MAX_LIFETIME_SECONDS`). */
export const SIGN_IN_TOKEN_SECONDS = 8 * 60 * 60;

/**
 * `GET /api/v1/auth/config`: how the web app signs people in. Public: it is read before anyone is
 * signed in, and tells nothing a browser would not learn from the sign-in redirect.
 */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthConfigController {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  @Get('config')
  @Public()
  @ApiOperation({ summary: 'How to sign in: the auth mode, and for OpenID Connect the issuer and client id' })
  @ApiOkResponse({ type: AuthConfigDto })
  authConfig(): AuthConfigDto {
    const { OKR_AUTH_MODE, OKR_OIDC_ISSUER, OKR_OIDC_CLIENT_ID, OKR_TENANT_CLAIM, OKR_ROLES_CLAIM, OKR_TEAMS_CLAIM } = this.config;
    if (OKR_AUTH_MODE !== 'oidc') return { mode: OKR_AUTH_MODE };
    return {
      mode: 'oidc',
      oidc: {
        issuer: OKR_OIDC_ISSUER as string,
        clientId: OKR_OIDC_CLIENT_ID as string,
        claims: { tenant: OKR_TENANT_CLAIM, roles: OKR_ROLES_CLAIM, teams: OKR_TEAMS_CLAIM },
      },
    };
  }
}

/**
 * `POST /api/v1/auth/embedded-tokens`: signs a token with the embedded key of the data folder for
 * whoever asks, as `npm run token` does: the sign-in of a trial on one machine, where there is no
 * identity provider. Registered only when `OKR_AUTH_MODE=embedded` (see {@link SignInModule}); with
 * `oidc` the route does not exist (404). Public, like the guards' other open routes: it is how a token
 * is obtained. Its answer is a secret: never stored for idempotent replay, never cached.
 */
@ApiTags('auth')
@Controller('api/v1/auth')
export class EmbeddedTokenController {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  @Post('embedded-tokens')
  @Public()
  @NotIdempotentlyStored()
  @HttpCode(201)
  @OmitProblemResponses(409, 422)
  @ApiOperation({ summary: 'Sign in (embedded auth mode only): a bearer token for a tenant, user, teams and roles' })
  @ApiCreatedResponse({ type: EmbeddedTokenDto })
  async issue(@Body() body: EmbeddedTokenRequestDto): Promise<EmbeddedTokenDto> {
    const max = this.config.OKR_TOKEN_MAX_LIFETIME_SECONDS;
    if (body.expiresInSeconds !== undefined && body.expiresInSeconds > max) {
      throw new ValidationProblem([{ field: 'expiresInSeconds', message: `must be at most ${max} (OKR_TOKEN_MAX_LIFETIME_SECONDS)` }]);
    }
    const token = await issueEmbeddedToken({
      dataDir: this.config.OKR_DATA_DIR,
      tenant: body.tenant,
      user: body.user,
      teams: body.teams,
      roles: body.roles,
      expiresIn: body.expiresInSeconds ?? Math.min(SIGN_IN_TOKEN_SECONDS, max),
      tenantClaim: this.config.OKR_TENANT_CLAIM,
      rolesClaim: this.config.OKR_ROLES_CLAIM,
      teamsClaim: this.config.OKR_TEAMS_CLAIM,
    });
    return { token, expiresAt: new Date((decodeJwt(token).exp as number) * 1000).toISOString() };
  }
}

/**
 * Signing in: `GET /api/v1/auth/config` in every mode, and `POST /api/v1/auth/embedded-tokens` only
 * in embedded auth mode. Imported by one service (goals); the gateway routes both paths there.
 */
@Module({})
export class SignInModule {
  static forRoot(config: Pick<PlatformConfig, 'OKR_AUTH_MODE'>): DynamicModule {
    return {
      module: SignInModule,
      controllers: config.OKR_AUTH_MODE === 'embedded' ? [AuthConfigController, EmbeddedTokenController] : [AuthConfigController],
    };
  }
}
