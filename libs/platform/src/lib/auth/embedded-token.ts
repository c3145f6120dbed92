import { SignJWT } from 'jose';
import { cachedSigningKey, EMBEDDED_ALG } from './signing-key';

/** `iss` of tokens signed with the embedded key. */
export const EMBEDDED_ISSUER = 'okr-embedded';
/** `aud` of tokens signed with the embedded key. */
export const EMBEDDED_AUDIENCE = 'okr';

export interface EmbeddedTokenRequest {
  /** Data folder holding the signing key (`OKR_DATA_DIR`); the key is created there if absent. */
  dataDir: string;
  tenant: string;
  user: string;
  roles?: readonly string[];
  teams?: readonly string[];
  /** A jose duration (`'8h'`, `'15m'`) or seconds; 8 hours by default. */
  expiresIn?: string | number;
  /** Claim carrying the tenant (`OKR_TENANT_CLAIM`); `tenant` by default. */
  tenantClaim?: string;
  /** Claim listing the roles (`OKR_ROLES_CLAIM`); `roles` by default. */
  rolesClaim?: string;
  /** Claim listing the teams (`OKR_TEAMS_CLAIM`); `teams` by default. */
  teamsClaim?: string;
}

/**
 * Signs a bearer token with the embedded key of a data folder, as `npm run token` does, for local use
 * and tests. Services in embedded auth mode on the same data folder accept it.
 */
export async function issueEmbeddedToken(request: EmbeddedTokenRequest): Promise<string> {
  if (request.tenant.trim() === '') throw new Error('A token needs a tenant');
  if (request.user.trim() === '') throw new Error('A token needs a user');
  const key = await cachedSigningKey(request.dataDir);
  const expiresIn = request.expiresIn ?? '8h';
  return new SignJWT({
    [request.tenantClaim ?? 'tenant']: request.tenant,
    [request.rolesClaim ?? 'roles']: [...(request.roles ?? [])],
    [request.teamsClaim ?? 'teams']: [...(request.teams ?? [])],
  })
    .setProtectedHeader({ alg: EMBEDDED_ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(request.user)
    .setIssuer(EMBEDDED_ISSUER)
    .setAudience(EMBEDDED_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(key.privateKey);
}
