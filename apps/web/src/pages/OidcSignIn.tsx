import { useMutation } from '@tanstack/react-query';
import { errorSentence } from '../api/problem';
import type { OidcSettings } from '../auth/oidc';
import { userManagerFor } from '../auth/user-managers';

/** Production sign-in: off to the organisation's identity provider (authorization code with PKCE), then back. */
export function OidcSignIn({ settings, next }: { settings: OidcSettings; next: string }) {
  const redirect = useMutation({ mutationFn: () => userManagerFor(settings).signinRedirect({ state: { next } }) });
  const provider = new URL(settings.issuer).host;
  return (
    <>
      <p>You sign in with your organisation's account ({provider}).</p>
      {redirect.isError && (
        <p className="form-error" role="alert">
          {errorSentence(redirect.error)}
        </p>
      )}
      <button type="button" className="primary" disabled={redirect.isPending} onClick={() => redirect.mutate()}>
        {redirect.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </>
  );
}
