import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { sessionFromOidcUser } from '../auth/oidc';
import { useAuthConfig } from '../auth/useAuthConfig';
import { userManagerFor } from '../auth/user-managers';
import { ErrorState, Loading } from '../ui/PageState';
import { safeNext } from './safe-next';

/** Where the identity provider sends the browser back: the code is exchanged (with the PKCE verifier) for tokens. */
export function AuthCallbackPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const config = useAuthConfig();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  const oidc = config.oidc;
  useEffect(() => {
    if (!oidc || started.current) return;
    // A code can be exchanged once: React's development double effects must not send it twice.
    started.current = true;
    userManagerFor(oidc)
      .signinRedirectCallback()
      .then((user) => {
        signIn(sessionFromOidcUser(user, oidc));
        const state = user.state as { next?: string } | undefined;
        void navigate(safeNext(state?.next ?? null), { replace: true });
      })
      .catch(setError);
  }, [oidc, signIn, navigate]);
  const failure = error ?? config.error ?? (config.data && !oidc ? new Error('This server does not sign in with OpenID Connect.') : null);
  return (
    <main className="sign-in" id="main">
      <h1>Signing in</h1>
      {failure ? (
        <>
          <ErrorState error={failure} />
          <p>
            <Link to="/sign-in">Back to sign-in</Link>
          </p>
        </>
      ) : (
        <Loading what="Completing sign-in" />
      )}
    </main>
  );
}
