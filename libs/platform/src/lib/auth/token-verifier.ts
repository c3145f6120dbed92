import { hash } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
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

/** Bounds of the verified-token cache; see {@link TokenVerifier}. */
export interface VerifiedTokenCacheOptions {
  /** Tokens kept at most; the least recently used goes first. 0 turns the cache off. */
  maxEntries: number;
  /** How long a verified token is trusted without checking it again, at most (its `exp` comes first). */
  maxAgeSeconds: number;
}

/** Injection token to override {@link DEFAULT_TOKEN_CACHE}. */
export const TOKEN_CACHE_OPTIONS = Symbol('TOKEN_CACHE_OPTIONS');

export const DEFAULT_TOKEN_CACHE: VerifiedTokenCacheOptions = { maxEntries: 10_000, maxAgeSeconds: 300 };

interface CachedPrincipal {
  principal: Principal;
  /** Epoch ms after which the entry is no longer used: the token's `exp`, or the cache's max age. */
  until: number;
}

/**
 * Verifies bearer tokens and turns them into a {@link Principal}. Embedded mode: ES256 tokens signed
 * with the data folder's key (issuer `okr-embedded`, audience `okr`). OIDC mode: tokens of the
 * configured issuer and audience, checked against its JWKS (cached and refreshed by jose).
 *
 * A client sends the same token with every request until it expires, and checking its signature is
 * most of the cost of authenticating a request. So verified tokens are kept in a small LRU, keyed by
 * the SHA-256 of the token (the map holds no credential), each until the token's `exp` or
 * `maxAgeSeconds`, whichever comes first; only successes are kept. There is no revocation list to
 * consult: a token stays valid until its `exp` whether cached or not, and the max age bounds how long
 * a token keeps working after its OIDC signing key was withdrawn from the issuer's JWKS.
 */
@Injectable()
export class TokenVerifier {
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly cache = new Map<string, CachedPrincipal>();
  private readonly cacheOptions: VerifiedTokenCacheOptions;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Optional() @Inject(TOKEN_CACHE_OPTIONS) cacheOptions?: Partial<VerifiedTokenCacheOptions>,
  ) {
    this.cacheOptions = { ...DEFAULT_TOKEN_CACHE, ...cacheOptions };
    if (config.OKR_AUTH_MODE === 'oidc') {
      const issuer = (config.OKR_OIDC_ISSUER ?? '').replace(/\/+$/, '');
      this.jwks = createRemoteJWKSet(new URL(config.OKR_OIDC_JWKS_URL ?? `${issuer}/.well-known/jwks.json`));
    }
  }

  /** Tokens in the cache now (for tests and metrics). */
  get cachedTokens(): number {
    return this.cache.size;
  }

  /**
   * @throws UnauthenticatedProblem (401) for a token that is invalid, expired or lacks a claim.
   * @throws Problem (503) when tokens cannot be checked at all (identity provider's keys unreachable).
   */
  async verify(token: string): Promise<Principal> {
    if (this.cacheOptions.maxEntries <= 0) return (await this.verifySignatureAndClaims(token)).principal;
    // One-shot hashing: no Hash object per request.
    const key = hash('sha256', token, 'base64url');
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      // Re-inserted to mark it most recently used (a Map iterates in insertion order).
      if (now < hit.until) {
        this.cache.set(key, hit);
        return hit.principal;
      }
    }
    const { principal, exp } = await this.verifySignatureAndClaims(token);
    const until = Math.min(exp * 1000, now + this.cacheOptions.maxAgeSeconds * 1000);
    if (until > now) {
      this.cache.set(key, { principal, until });
      for (const oldest of this.cache.keys()) {
        if (this.cache.size <= this.cacheOptions.maxEntries) break;
        this.cache.delete(oldest);
      }
    }
    return principal;
  }

  private async verifySignatureAndClaims(token: string): Promise<{ principal: Principal; exp: number }> {
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
    // checkLifetime refused a token without a numeric `exp`.
    return { principal: principalFromClaims(payload, this.config), exp: payload.exp as number };
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
