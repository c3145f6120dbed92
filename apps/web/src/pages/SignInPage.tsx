import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import { errorSentence, ProblemError } from '../api/problem';
import { useAuth } from '../auth/AuthContext';
import { signInEmbedded } from '../auth/embedded';
import { useAuthConfig } from '../auth/useAuthConfig';
import { ErrorState, Loading } from '../ui/PageState';
import { OidcSignIn } from './OidcSignIn';
import { safeNext } from './safe-next';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Sign-in: the organisation's identity provider in production, the embedded form otherwise. */
export function SignInPage() {
  const { session } = useAuth();
  const [params] = useSearchParams();
  const config = useAuthConfig();
  const next = safeNext(params.get('next'));
  if (session) return <Navigate to={next} replace />;
  return (
    <main className="sign-in" id="main">
      <h1>Sign in</h1>
      {config.isPending ? (
        <Loading what="Loading sign-in" />
      ) : config.isError ? (
        <ErrorState error={config.error} retry={() => void config.refetch()} />
      ) : config.oidc ? (
        <OidcSignIn settings={config.oidc} next={next} />
      ) : (
        <EmbeddedSignInForm next={next} />
      )}
    </main>
  );
}

/** Embedded mode's sign-in: who you are, in which tenant and teams, with which roles. */
function EmbeddedSignInForm({ next }: { next: string }) {
  const api = useApi();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ tenant: 'acme', user: '', teams: '', roles: 'member' });
  const ids = { tenant: useId(), user: useId(), teams: useId(), roles: useId(), rolesHint: useId(), teamsHint: useId() };
  const mutation = useMutation({
    mutationFn: () => signInEmbedded(api, { tenant: form.tenant.trim(), user: form.user.trim(), teams: list(form.teams), roles: list(form.roles) }),
    onSuccess: (session) => {
      signIn(session);
      void navigate(next, { replace: true });
    },
  });
  const fieldErrors = mutation.error instanceof ProblemError ? mutation.error.fieldErrors() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  return (
    <>
      <p>See your team's objectives, check in, and replay how the quarter unfolded.</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={ids.tenant}>Tenant</label>
          <input id={ids.tenant} name="tenant" required value={form.tenant} onChange={set('tenant')} autoComplete="organization" />
          {fieldErrors['tenant'] && <p className="field-error">{fieldErrors['tenant']}</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.user}>User</label>
          <input id={ids.user} name="user" required value={form.user} onChange={set('user')} autoComplete="username" />
          {fieldErrors['user'] && <p className="field-error">{fieldErrors['user']}</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.teams}>Teams</label>
          <input id={ids.teams} name="teams" value={form.teams} onChange={set('teams')} aria-describedby={ids.teamsHint} />
          <p className="hint" id={ids.teamsHint}>
            Team ids, separated by commas (for example: growth, platform).
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.roles}>Roles</label>
          <input id={ids.roles} name="roles" value={form.roles} onChange={set('roles')} aria-describedby={ids.rolesHint} />
          <p className="hint" id={ids.rolesHint}>
            member, leader, admin or auditor, separated by commas.
          </p>
        </div>
        {mutation.isError && (
          <p className="form-error" role="alert">
            {errorSentence(mutation.error)}
          </p>
        )}
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}
