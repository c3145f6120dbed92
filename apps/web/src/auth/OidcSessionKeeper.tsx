import { useEffect } from 'react';
import { useAuth } from './AuthContext';
import { sessionFromOidcUser } from './oidc';
import { useAuthConfig } from './useAuthConfig';
import { userManagerFor } from './user-managers';

/**
 * Keeps an OpenID Connect session fresh: oidc-client-ts renews the access token before it expires (with
 * the refresh token), and each renewed token becomes the tab's session; a renewal that fails ends it.
 */
export function OidcSessionKeeper() {
  const { session, signIn, signOut } = useAuth();
  const { oidc } = useAuthConfig();
  const signedIn = session !== null;
  useEffect(() => {
    if (!oidc || !signedIn) return;
    const manager = userManagerFor(oidc);
    const renewed = manager.events.addUserLoaded((user) => signIn(sessionFromOidcUser(user, oidc)));
    const failed = manager.events.addSilentRenewError(() => signOut());
    const expired = manager.events.addAccessTokenExpired(() => signOut());
    // Loading the stored user starts the renewal timers of `automaticSilentRenew`.
    void manager.getUser();
    return () => {
      renewed();
      failed();
      expired();
    };
  }, [oidc, signedIn, signIn, signOut]);
  return null;
}
