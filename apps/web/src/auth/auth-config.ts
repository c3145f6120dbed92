import { data, type Api } from '../api/client';
import type { components } from '../api/schema/goals';
import type { OidcSettings } from './oidc';

/** How this server signs people in (`GET /api/v1/auth/config`, no token needed). */
export type AuthConfig = components['schemas']['AuthConfigDto'];

/** The server's sign-in settings. */
export const fetchAuthConfig = (api: Api): Promise<AuthConfig> => data(api.goals.GET('/api/v1/auth/config'));

/** The OpenID Connect settings of an `oidc` server, or null when people sign in with the embedded form. */
export function oidcSettingsOf(config: AuthConfig): OidcSettings | null {
  return config.mode === 'oidc' && config.oidc ? config.oidc : null;
}
