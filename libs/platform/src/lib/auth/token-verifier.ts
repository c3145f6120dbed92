import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import { Problem, UnauthenticatedProblem } from '../errors/problems';
import { EMBEDDED_AUDIENCE, EMBEDDED_ISSUER } from './embedded-token';
import { stringListClaim, teamsFromGroups, type ClaimSettings } from './claims';
import type { Principal } from './principal';
import { cachedSigningKey, EMBEDDED_ALG } from './signing-key';

/**
 * Errors of jose that say the identity provider, not the token, is at fault. jose throws its base
 * `JOSEError` (`ERR_JOSE_GENERIC`) only when the JWKS response is not 200 or not JSON.
 */
const PROVIDER_FAULTS = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/**
 * Verifies bearer tokens and turns them into a {@link Principal}. Embedded mode: ES256 tokens signed
 * with the data folder's key (issuer `okr-embedded`, audience `okr`). OIDC mode: tokens of the
 * configured issuer and audience, checked against its JWKS (cached and refreshed by jose).
 */
@Injectable()
export class TokenVerifier {
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    if (config.OKR_AUTH_MODE === 'oidc') {
      const issuer = (config.OKR_OIDC_ISSUER ?? '').replace(/\/+$/, '');
      this.jwks = createRemoteJWKSet(new URL(config.OKR_OIDC_JWKS_URL ?? `${issuer}/.well-known/jwks.json`));
    }
  }

  /**
   * @throws UnauthenticatedProblem (401) for a token that is invalid, expired or lacks a claim.
   * @throws Problem (503) when tokens cannot be checked at all (identity provider's keys unreachable).
   */
  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      if (this.jwks) {
        const { OKR_OIDC_ISSUER, OKR_OIDC_AUDIENCE } = this.config;
        const options = { issuer: OKR_OIDC_ISSUER, audience: OKR_OIDC_AUDIENCE, ...this.lifetimeOptions() };
        payload = (await jwtVerify(token, this.jwks, options)).payload;
      } else {
        const key = await cachedSigningKey(this.config.OKR_DATA_DIR);
        const options = { issuer: EMBEDDED_ISSUER, audience: EMBEDDED_AUDIENCE, algorithms: [EMBEDDED_ALG], ...this.lifetimeOptions() };
        payload = (await jwtVerify(token, key.publicKey, options)).payload;
      }
    } catch (error) {
      throw toProblem(error);
    }
    checkLifetime(payload, this.config.OKR_TOKEN_MAX_LIFETIME_SECONDS, this.config.OKR_TOKEN_CLOCK_SKEW_SECONDS);
    return principalFromClaims(payload, this.config);
  }

  private lifetimeOptions() {
    return { requiredClaims: ['exp'], clockTolerance: this.config.OKR_TOKEN_CLOCK_SKEW_SECONDS };
  }
}

/**
 * A token must end, and soon: one without `exp`, or whose `exp` is further away than
 * `maxLifetimeSeconds` (a leaked token would otherwise work for years), or issued in the future
 * (`iat` past the clock skew: a forged or mis-clocked issuer), is a 401.
 */
export function checkLifetime(payload: JWTPayload, maxLifetimeSeconds: number, skewSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): void {
  if (typeof payload.exp !== 'number') throw new UnauthenticatedProblem('The bearer token has no expiry (exp).', true);
  if (payload.exp - nowSeconds > maxLifetimeSeconds + skewSeconds) {
    throw new UnauthenticatedProblem(`The bearer token lives longer than the ${maxLifetimeSeconds} seconds this service accepts.`, true);
  }
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + skewSeconds) {
      throw new UnauthenticatedProblem('The bearer token was issued in the future (iat).', true);
    }
    if (payload.exp - payload.iat > maxLifetimeSeconds + skewSeconds) {
      throw new UnauthenticatedProblem(`The bearer token lives longer than the ${maxLifetimeSeconds} seconds this service accepts.`, true);
    }
  }
}

/**
 * Reads the principal out of verified claims (claim names and the group-to-team map from the
 * configuration); a missing subject or tenant, or roles or teams that are not lists, are a 401.
 */
export function principalFromClaims(payload: JWTPayload, settings: ClaimSettings): Principal {
  const tenantClaim = settings.OKR_TENANT_CLAIM;
  const tenantId = payload[tenantClaim];
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new UnauthenticatedProblem('The bearer token has no subject (sub).', true);
  }
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new UnauthenticatedProblem(`The bearer token has no tenant claim (${tenantClaim}).`, true);
  }
  return {
    tenantId,
    userId: payload.sub,
    roles: stringListClaim(payload, settings.OKR_ROLES_CLAIM),
    teams: teamsFromGroups(stringListClaim(payload, settings.OKR_TEAMS_CLAIM), settings.OKR_GROUP_TEAM_MAP),
  };
}

function toProblem(error: unknown): Problem {
  if (error instanceof errors.JWTExpired) return new UnauthenticatedProblem('The bearer token has expired.', true);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new UnauthenticatedProblem(`The bearer token's ${error.claim} claim is not accepted.`, true);
  }
  if (error instanceof errors.JOSEError && !PROVIDER_FAULTS.has(error.code)) {
    return new UnauthenticatedProblem('The bearer token is invalid.', true);
  }
  return new Problem({
    status: HttpStatus.SERVICE_UNAVAILABLE,
    code: 'identity-provider-unavailable',
    title: 'Service Unavailable',
    detail: 'Bearer tokens cannot be verified right now; try again later.',
    cause: error,
  });
}
