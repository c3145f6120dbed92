import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { EMBEDDED_AUDIENCE, EMBEDDED_ISSUER } from './embedded-token';
import { CurrentPrincipal, Public, type Principal } from './principal';
import { cachedSigningKey } from './signing-key';
import { requiresAuthentication } from './jwt-auth.guard';
import { Permission } from './permission.decorator';

@Controller('api/secure')
class SecureController {
  @Get('me')
  @Permission('tenant:read')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Public()
  @Get('open')
  open() {
    return { open: true };
  }
}

@Controller('internal')
class InternalController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

const me = (t: PlatformTestApp, authorization?: string) =>
  t.app.inject({ method: 'GET', url: '/api/secure/me', headers: authorization ? { authorization } : {} });

describe('JwtAuthGuard (embedded mode)', () => {
  let t: PlatformTestApp;
  let other: PlatformTestApp;

  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [SecureController, InternalController] });
    other = await createPlatformTestApp({ controllers: [SecureController] });
  });
  afterAll(async () => {
    await t.close();
    await other.close();
  });

  /** A token signed with the app's key, with any claims. */
  const signed = async (claims: Record<string, unknown>, edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt) => {
    const key = await cachedSigningKey(t.config.OKR_DATA_DIR);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject('alice')
      .setIssuer(EMBEDDED_ISSUER)
      .setAudience(EMBEDDED_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m');
    return `Bearer ${await edit(jwt).sign(key.privateKey)}`;
  };

  it('rejects a request without a token with 401 problem+json and WWW-Authenticate: Bearer', async () => {
    const res = await me(t);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated', instance: '/api/secure/me' });
  });

  it.each([
    ['garbage', 'Bearer not.a.jwt'],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
  ])('rejects %s with 401 invalid_token', async (_, authorization) => {
    const res = await me(t, authorization);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.json().code).toBe('invalid-token');
  });

  it('accepts a token issued for the data folder and exposes the principal', async () => {
    const token = await t.token({ tenant: 'acme', user: 'alice', roles: ['admin'], teams: ['growth', 'core'] });
    const res = await me(t, `Bearer ${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tenantId: 'acme', userId: 'alice', roles: ['admin'], teams: ['growth', 'core'] });
  });

  it('rejects a token signed with another data folder key', async () => {
    const res = await me(t, `Bearer ${await other.token()}`);
    expect(res.statusCode).toBe(401);
    expect((await me(other, `Bearer ${await other.token()}`)).statusCode).toBe(200);
  });

  it('rejects a token without the tenant claim', async () => {
    const res = await me(t, await signed({ roles: [] }));
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toContain('tenant');
  });

  it.each([
    ['expired', (jwt: SignJWT) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 120)],
    ['of another issuer', (jwt: SignJWT) => jwt.setIssuer('someone-else')],
    ['for another audience', (jwt: SignJWT) => jwt.setAudience('billing')],
  ])('rejects a token %s', async (_, edit) => {
    expect((await me(t, await signed({ tenant: 'acme' }))).statusCode).toBe(200);
    const res = await me(t, await signed({ tenant: 'acme' }, edit));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['without exp', { tenant: 'acme', iat: now() }],
    ['living a year', { tenant: 'acme', iat: now(), exp: now() + 365 * 24 * 3600 }],
    ['expiring within the maximum but issued long before it (exp - iat too long)', { tenant: 'acme', iat: now() - 30 * 24 * 3600, exp: now() + 3600 }],
    ['issued in the future', { tenant: 'acme', iat: now() + 3600, exp: now() + 7200 }],
  ])('rejects a token %s with 401', async (_, claims) => {
    const key = await cachedSigningKey(t.config.OKR_DATA_DIR);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject('alice')
      .setIssuer(EMBEDDED_ISSUER)
      .setAudience(EMBEDDED_AUDIENCE)
      .sign(key.privateKey);
    const res = await me(t, `Bearer ${token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'invalid-token' });
  });

  it('accepts the tokens `npm run token` makes (8 hours), 24 hours, and an iat within the clock skew', async () => {
    expect((await me(t, `Bearer ${await t.token({})}`)).statusCode).toBe(200);
    expect((await me(t, `Bearer ${await t.token({ expiresIn: '24h' })}`)).statusCode).toBe(200);
    expect((await me(t, await signed({ tenant: 'acme', iat: now() + 20 })))).toMatchObject({ statusCode: 200 });
  });

  it('rejects roles that are not a list of strings', async () => {
    expect((await me(t, await signed({ tenant: 'acme', roles: 'admin' }))).statusCode).toBe(401);
  });

  it('lets @Public() routes, health probes and paths outside /api through without a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/secure/open' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/internal/ping' })).statusCode).toBe(200);
  });

  it('cannot be bypassed by spelling the path differently', async () => {
    for (const url of ['/%61pi/secure/me', '/api/secure/me/', '/api/secure/me?x=/health', '/api//secure/me']) {
      expect([401, 404]).toContain((await t.app.inject({ method: 'GET', url })).statusCode);
    }
  });
});

describe('JwtAuthGuard with another tenant claim', () => {
  it('reads the tenant from OKR_TENANT_CLAIM', async () => {
    const t = await createPlatformTestApp({ controllers: [SecureController], env: { OKR_TENANT_CLAIM: 'org_id' } });
    try {
      const ok = await me(t, `Bearer ${await t.token({ tenant: 'globex' })}`);
      expect(ok.json()).toMatchObject({ tenantId: 'globex' });
      const withDefaultClaim = await me(t, `Bearer ${await t.token({ tenant: 'globex', tenantClaim: 'tenant' })}`);
      expect(withDefaultClaim.statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});

describe('JwtAuthGuard with other roles and teams claims', () => {
  it('reads roles and teams from OKR_ROLES_CLAIM and OKR_TEAMS_CLAIM, teams through OKR_GROUP_TEAM_MAP', async () => {
    const env = {
      OKR_ROLES_CLAIM: 'realm_access.roles',
      OKR_TEAMS_CLAIM: 'groups',
      OKR_GROUP_TEAM_MAP: '{"/okr/growth": "growth", "/okr/emea-sales": ["sales", "emea"]}',
    };
    const t = await createPlatformTestApp({ controllers: [SecureController], env });
    try {
      const key = await cachedSigningKey(t.config.OKR_DATA_DIR);
      const token = await new SignJWT({
        tenant: 'acme',
        realm_access: { roles: ['leader', 'offline_access'] },
        groups: ['/okr/growth', '/okr/emea-sales', '/everyone'],
        roles: ['admin'],
        teams: ['platform'],
      })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid })
        .setSubject('bob')
        .setIssuer(EMBEDDED_ISSUER)
        .setAudience(EMBEDDED_AUDIENCE)
        .setExpirationTime('5m')
        .sign(key.privateKey);
      const res = await me(t, `Bearer ${token}`);
      expect(res.json()).toEqual({ tenantId: 'acme', userId: 'bob', roles: ['leader', 'offline_access'], teams: ['growth', 'sales', 'emea'] });
      const issued = await me(t, `Bearer ${await t.token({ roles: ['auditor'], teams: ['/okr/growth'] })}`);
      expect(issued.json()).toMatchObject({ roles: ['auditor'], teams: ['growth'] });
    } finally {
      await t.close();
    }
  });
});

describe('JwtAuthGuard (oidc mode)', () => {
  let server: Server;
  let issuer: string;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      if (req.url === '/.well-known/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const oidcToken = (claims: Record<string, unknown>, audience = 'okr-api', iss = issuer) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('bob')
      .setIssuer(iss)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(privateKey);

  it('verifies tokens against the issuer JWKS, with issuer and audience checked', async () => {
    const env = { OKR_AUTH_MODE: 'oidc', OKR_OIDC_ISSUER: issuer, OKR_OIDC_AUDIENCE: 'okr-api', OKR_OIDC_CLIENT_ID: 'okr-web' };
    const t = await createPlatformTestApp({ controllers: [SecureController], env });
    try {
      const ok = await me(t, `Bearer ${await oidcToken({ tenant: 'acme', teams: ['ops'] })}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ tenantId: 'acme', userId: 'bob', roles: [], teams: ['ops'] });
      expect((await me(t, `Bearer ${await oidcToken({ tenant: 'acme' }, 'other-api')}`)).statusCode).toBe(401);
      expect((await me(t, `Bearer ${await oidcToken({ tenant: 'acme' }, 'okr-api', 'https://evil')}`)).statusCode).toBe(401);
      expect((await me(t, `Bearer ${await oidcToken({})}`)).statusCode).toBe(401);
      expect((await me(t, `Bearer ${await t.token()}`)).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('answers 503 when the identity provider keys cannot be fetched', async () => {
    const env = {
      OKR_AUTH_MODE: 'oidc',
      OKR_OIDC_ISSUER: issuer,
      OKR_OIDC_AUDIENCE: 'okr-api',
      OKR_OIDC_CLIENT_ID: 'okr-web',
      OKR_OIDC_JWKS_URL: `${issuer}/missing-jwks.json`,
    };
    const t = await createPlatformTestApp({ controllers: [SecureController], env });
    try {
      const res = await me(t, `Bearer ${await oidcToken({ tenant: 'acme' })}`);
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('identity-provider-unavailable');
    } finally {
      await t.close();
    }
  });
});

describe('requiresAuthentication', () => {
  it.each(['/api/docs', '/api/docs/', '/api/docs/swagger-ui.css', '/api/docs-json', '/api/docs-yaml'])('leaves the API docs open: %s', (path) => {
    expect(requiresAuthentication(path)).toBe(false);
  });

  it.each(['/api/v1/objectives', '/api/docs-anything', '/api/docsx', '/api/docs-json/x'])('needs a token for %s', (path) => {
    expect(requiresAuthentication(path)).toBe(true);
  });
});
