import { describe, expect, it } from 'vitest';
import { ProblemError } from '../api/problem';
import { mockApi, problem } from '../test/mock-api';
import { fetchAuthConfig, oidcSettingsOf } from './auth-config';
import { signInEmbedded } from './embedded';

describe('embedded sign-in', () => {
  it('asks the embedded issuer for a token and makes it the session', async () => {
    const { api, calls } = mockApi({
      'POST /api/v1/auth/embedded-tokens': () => ({ status: 201, body: { token: 'jwt', expiresAt: '2026-12-03T20:00:00.000Z' } }),
    });
    const session = await signInEmbedded(api, { tenant: 'acme', user: 'mo', teams: ['growth'], roles: ['member'] });
    expect(calls[0]?.body).toEqual({ tenant: 'acme', user: 'mo', teams: ['growth'], roles: ['member'] });
    expect(session).toEqual({ token: 'jwt', expiresAt: '2026-12-03T20:00:00.000Z', tenant: 'acme', user: 'mo', teams: ['growth'], roles: ['member'] });
  });

  it("throws the service's problem when it refuses", async () => {
    const { api } = mockApi({
      'POST /api/v1/auth/embedded-tokens': () => problem(400, 'Invalid request', 'roles: each role must be one of: admin, leader, member, auditor, operator'),
    });
    const refused = signInEmbedded(api, { tenant: 'acme', user: 'mo', teams: [], roles: ['king'] });
    await expect(refused).rejects.toBeInstanceOf(ProblemError);
    await expect(refused).rejects.toMatchObject({ status: 400 });
  });
});

describe('sign-in settings', () => {
  it('reads the OpenID Connect issuer and client of an oidc server, and nothing for an embedded one', async () => {
    const oidc = { issuer: 'https://id.example', clientId: 'okr-web', claims: { tenant: 'tenant', roles: 'roles', teams: 'teams' } };
    const { api } = mockApi({ 'GET /api/v1/auth/config': () => ({ body: { mode: 'oidc', oidc } }) });
    expect(oidcSettingsOf(await fetchAuthConfig(api))).toEqual(oidc);
    expect(oidcSettingsOf({ mode: 'embedded' })).toBeNull();
  });
});
