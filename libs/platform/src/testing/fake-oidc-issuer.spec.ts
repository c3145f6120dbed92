import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '../lib/config/load-config';
import { TokenVerifier } from '../lib/auth/token-verifier';
import { startFakeOidcIssuer, type FakeOidcIssuer } from './fake-oidc-issuer';

const redirectUri = 'http://localhost:3000/auth/callback';

async function authorize(issuer: FakeOidcIssuer, challenge: string): Promise<string> {
  const url = new URL(`${issuer.url}/authorize`);
  for (const [k, v] of Object.entries({ client_id: issuer.clientId, response_type: 'code', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's1' })) {
    url.searchParams.set(k, v);
  }
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe('s1');
  return back.searchParams.get('code') ?? '';
}

const token = (issuer: FakeOidcIssuer, form: Record<string, string>) =>
  fetch(`${issuer.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });

describe('the fake OpenID Connect issuer used by the sign-in tests', () => {
  let issuer: FakeOidcIssuer;
  beforeAll(async () => (issuer = await startFakeOidcIssuer({ user: { sub: 'nina', tenant: 'acme', roles: ['leader'], teams: ['growth'] } })));
  afterAll(() => issuer.close());

  it('exchanges a code only with the PKCE verifier of its challenge, and its tokens pass the services’ verifier', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const wrong = await token(issuer, { grant_type: 'authorization_code', code: await authorize(issuer, challenge), code_verifier: 'not-it', redirect_uri: redirectUri, client_id: issuer.clientId });
    expect(wrong.status).toBe(400);

    const res = await token(issuer, { grant_type: 'authorization_code', code: await authorize(issuer, challenge), code_verifier: verifier, redirect_uri: redirectUri, client_id: issuer.clientId });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; refresh_token: string };
    const config = loadConfig({ OKR_AUTH_MODE: 'oidc', OKR_OIDC_ISSUER: issuer.url, OKR_OIDC_AUDIENCE: issuer.audience, OKR_OIDC_CLIENT_ID: 'okr-web' }, { PORT: 0 });
    const principal = await new TokenVerifier(config).verify(tokens.access_token);
    expect(principal).toMatchObject({ tenantId: 'acme', userId: 'nina', teams: ['growth'] });

    const refreshed = await token(issuer, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: issuer.clientId });
    expect(refreshed.status).toBe(200);
    const again = await token(issuer, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: issuer.clientId });
    expect(again.status).toBe(400);
    expect(issuer.counts).toMatchObject({ codeExchanges: 1, refreshes: 1 });
  });
});
