import { decodeJwt } from 'jose';
import { createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';

const TOKEN_ROUTE = '/api/v1/auth/embedded-tokens';

/** Signing in: a token from the embedded issuer (embedded mode only), and how the web app learns the mode. */
describe('goals API: signing in, embedded mode', () => {
  let t: GoalsTestApp;
  beforeAll(async () => (t = await createGoalsTestApp(undefined, { OKR_TOKEN_MAX_LIFETIME_SECONDS: '36000' })));
  afterAll(() => t.close(true));

  it('answers a token, without any token, that the services accept as that tenant, user, teams and roles', async () => {
    const before = Date.now();
    const r = await t.call('POST', TOKEN_ROUTE, { token: null, body: { tenant: 'acme', user: 'mo', teams: ['growth'], roles: ['member'] } });
    expect(r.status).toBe(201);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(decodeJwt(r.body.token)).toMatchObject({ tenant: 'acme', sub: 'mo', teams: ['growth'], roles: ['member'] });
    const expiresAt = Date.parse(r.body.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(8 * 3600 * 1000 - 2000);
    expect(expiresAt - before).toBeLessThanOrEqual(8 * 3600 * 1000 + 60_000);

    const cycle = await t.call('POST', '/api/v1/cycles', { body: { name: 'Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } });
    const objective = await t.call('POST', '/api/v1/objectives', { token: r.body.token, body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Signed in' } });
    expect(objective.status).toBe(201);
    const history = await t.call('GET', `/api/v1/objectives/${objective.body.id}/history`, { token: r.body.token });
    expect(history.body.items[0]).toMatchObject({ actor: 'mo' });
    const otherTeam = await t.call('POST', '/api/v1/objectives', { token: r.body.token, body: { cycleId: cycle.body.id, teamId: 'sales', title: 'Not mine' } });
    expect(otherTeam.status).toBe(403);
  });

  it('gives the lifetime asked for, up to OKR_TOKEN_MAX_LIFETIME_SECONDS, and refuses longer', async () => {
    const short = await t.call('POST', TOKEN_ROUTE, { token: null, body: { tenant: 'acme', user: 'mo', teams: [], roles: [], expiresInSeconds: 600 } });
    const { iat, exp } = decodeJwt(short.body.token);
    expect([short.status, (exp as number) - (iat as number)]).toEqual([201, 600]);
    const long = await t.call('POST', TOKEN_ROUTE, { token: null, body: { tenant: 'acme', user: 'mo', teams: [], roles: [], expiresInSeconds: 36001 } });
    expect([long.status, long.body.errors]).toEqual([400, [{ field: 'expiresInSeconds', message: 'must be at most 36000 (OKR_TOKEN_MAX_LIFETIME_SECONDS)' }]]);
  });

  it('refuses bad input with problem+json naming each field', async () => {
    const r = await t.call('POST', TOKEN_ROUTE, { token: null, body: { tenant: ' ', teams: 'growth', roles: ['king'], expiresInSeconds: 5 } });
    expect([r.status, r.headers['content-type']]).toEqual([400, 'application/problem+json; charset=utf-8']);
    expect([...new Set(r.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['expiresInSeconds', 'roles', 'teams', 'tenant', 'user']);
    expect(r.body.errors).toContainEqual({ field: 'roles', message: 'each role must be one of: admin, leader, member, auditor, operator' });
  });

  it('says the mode is embedded, and documents the route with its answer', async () => {
    const config = await t.call('GET', '/api/v1/auth/config', { token: null });
    expect([config.status, config.body]).toEqual([200, { mode: 'embedded' }]);
    const document = (await t.call('GET', '/api/docs-json', { token: null })).body;
    const operation = document.paths[TOKEN_ROUTE].post;
    expect(operation.security).toEqual([]);
    expect(operation.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/EmbeddedTokenDto' });
    expect(document.components.schemas.EmbeddedTokenDto.required).toEqual(['token', 'expiresAt']);
  });
});

describe('goals API: signing in, oidc mode', () => {
  let t: GoalsTestApp;
  beforeAll(
    async () =>
      (t = await createGoalsTestApp(undefined, {
        OKR_AUTH_MODE: 'oidc',
        OKR_OIDC_ISSUER: 'https://login.example.com/realms/okr',
        OKR_OIDC_AUDIENCE: 'okr-api',
        OKR_OIDC_CLIENT_ID: 'okr-web',
        OKR_ROLES_CLAIM: 'realm_access.roles',
      })),
  );
  afterAll(() => t.close(true));

  it('has no embedded sign-in: the route is absent (404) and undocumented', async () => {
    const r = await t.call('POST', TOKEN_ROUTE, { token: null, body: { tenant: 'acme', user: 'mo', teams: [], roles: ['admin'] } });
    expect([r.status, r.body.code]).toEqual([404, 'not-found']);
    const document = (await t.call('GET', '/api/docs-json', { token: null })).body;
    expect(document.paths[TOKEN_ROUTE]).toBeUndefined();
  });

  it('tells the web app the issuer, its client id and the claims the services read', async () => {
    const r = await t.call('GET', '/api/v1/auth/config', { token: null });
    expect([r.status, r.body]).toEqual([
      200,
      {
        mode: 'oidc',
        oidc: { issuer: 'https://login.example.com/realms/okr', clientId: 'okr-web', claims: { tenant: 'tenant', roles: 'realm_access.roles', teams: 'teams' } },
      },
    ]);
  });
});
