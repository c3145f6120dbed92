import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { Session } from './session';
import { personName } from '../ui/people';

/** What the server tells the web app about OpenID Connect sign-in (issuer and client from its configuration). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Claim names the services read (OKR_TENANT_CLAIM, OKR_ROLES_CLAIM, OKR_TEAMS_CLAIM). */
  claims: { tenant: string; roles: string; teams: string };
}

export const CALLBACK_PATH = '/auth/callback';

/**
 * The authorization code flow with PKCE (oidc-client-ts's default for `response_type=code`), tokens kept
 * for the tab only, renewed before they expire with the refresh token (or a silent request when the
 * provider gives none).
 */
export function createUserManager(settings: OidcSettings, origin: string = window.location.origin): UserManager {
  return new UserManager({
    authority: settings.issuer,
    client_id: settings.clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/sign-in`,
    response_type: 'code',
    scope: 'openid profile offline_access',
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/**
 * The tab's session from a signed-in OIDC user. Tenant, roles and teams are read from the access token
 * for display only: the services verify the token and apply their own claim and group mappings.
 */
export function sessionFromOidcUser(user: Pick<User, 'access_token' | 'expires_at' | 'profile'>, settings: OidcSettings): Session {
  const claims = { ...user.profile, ...decodeJwtPayload(user.access_token) } as Record<string, unknown>;
  return {
    token: user.access_token,
    tenant: String(claims[settings.claims.tenant] ?? ''),
    // Shown in the header: a provider whose subject is a UUID and gives no name reads as an unnamed person.
    user: personName(String(claims['preferred_username'] ?? claims['name'] ?? claims['sub'] ?? ''), ''),
    roles: stringList(claims[settings.claims.roles]),
    teams: stringList(claims[settings.claims.teams]),
    expiresAt: new Date((user.expires_at ?? 0) * 1000).toISOString(),
  };
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** The payload of a JWT (not verified: the services verify; an opaque access token yields nothing). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
