import { data, type Api } from '../api/client';
import type { components } from '../api/schema/goals';
import type { Session } from './session';

export interface EmbeddedSignIn {
  tenant: string;
  user: string;
  teams: string[];
  roles: string[];
}

type Role = components['schemas']['EmbeddedTokenRequestDto']['roles'][number];

/**
 * Obtains a token from the embedded issuer (`POST /api/v1/auth/embedded-tokens`, which exists only in
 * embedded auth mode) and makes it the tab's session. A refusal (an unknown role, an empty tenant)
 * is the service's problem, thrown as a `ProblemError` for the page to show.
 */
export async function signInEmbedded(api: Api, form: EmbeddedSignIn): Promise<Session> {
  const answer = await data(
    api.goals.POST('/api/v1/auth/embedded-tokens', {
      // The server names a role it does not know: the form passes what the person typed.
      body: { tenant: form.tenant, user: form.user, teams: form.teams, roles: form.roles as Role[] },
    }),
  );
  return { token: answer.token, expiresAt: answer.expiresAt, tenant: form.tenant, user: form.user, teams: form.teams, roles: form.roles };
}
