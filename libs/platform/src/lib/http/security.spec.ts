import { Controller, Get, Post } from '@nestjs/common';
import { createPlatformTestApp, type PlatformTestApp } from '../../testing';
import { Permission } from '../auth/permission.decorator';
import { CurrentPrincipal, Public, type Principal } from '../auth/principal';
import { NotIdempotentlyStored } from '../idempotency/idempotency.interceptor';
import { securityHeaders } from './security';

@Controller('api/test')
class SecretsController {
  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('me')
  @Permission('tenant:read')
  me(@CurrentPrincipal() principal: Principal) {
    return { user: principal.userId };
  }

  @Post('secrets')
  @Permission('self:write')
  @NotIdempotentlyStored()
  create() {
    return { secret: 'whsec_shown_once' };
  }
}

describe('security headers', () => {
  let t: PlatformTestApp;
  beforeAll(async () => {
    t = await createPlatformTestApp({ controllers: [SecretsController] });
  });
  afterAll(() => t.close());

  it.each([
    ['an answer', '/api/test/open'],
    ['a problem', '/api/nothing-here'],
  ])('are on %s: nosniff, frame-ancestors none, no referrer', async (_, url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it("are helmet's headers for the platform's options, computed once: fixed strings", () => {
    const headers = securityHeaders();
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
    });
    expect(headers['strict-transport-security']).toBeUndefined();
    expect(Object.isFrozen(headers)).toBe(true);
  });

  it('cannot be computed once from a directive that depends on the request (a nonce)', () => {
    const nonce = (): string => "'nonce-abc'";
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } })).toThrow(/computed per request/);
  });

  it('add HSTS to requests that came over TLS (through a TLS-terminating proxy)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/open', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });

  it('say no-store on a response that shows a secret, and only there', async () => {
    const authorization = `Bearer ${await t.token()}`;
    const secret = await t.app.inject({ method: 'POST', url: '/api/test/secrets', headers: { authorization } });
    expect(secret.statusCode).toBe(201);
    expect(secret.headers['cache-control']).toBe('no-store');
    const plain = await t.app.inject({ method: 'GET', url: '/api/test/me', headers: { authorization } });
    expect(plain.headers['cache-control']).toBeUndefined();
  });
});

describe('rate limits', () => {
  const expectLimited = (res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) => {
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json()).toMatchObject({ status: 429, code: 'rate-limited' });
  };

  it('per address: beyond OKR_RATE_LIMIT_PER_IP in the window, 429 problem+json with Retry-After', async () => {
    const t = await createPlatformTestApp({ controllers: [SecretsController], env: { OKR_RATE_LIMIT_PER_IP: '3', OKR_RATE_LIMIT_PER_PRINCIPAL: '0' } });
    try {
      for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'GET', url: '/api/test/open' })).statusCode).toBe(200);
      expectLimited(await t.app.inject({ method: 'GET', url: '/api/test/open' }));
      const other = await t.app.inject({ method: 'GET', url: '/api/test/open', remoteAddress: '203.0.113.9' });
      expect(other.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('per principal: beyond OKR_RATE_LIMIT_PER_PRINCIPAL, 429 for that user only', async () => {
    const t = await createPlatformTestApp({ controllers: [SecretsController], env: { OKR_RATE_LIMIT_PER_IP: '0', OKR_RATE_LIMIT_PER_PRINCIPAL: '2' } });
    try {
      const alice = { authorization: `Bearer ${await t.token({ user: 'alice' })}` };
      const bob = { authorization: `Bearer ${await t.token({ user: 'bob' })}` };
      for (let i = 0; i < 2; i++) expect((await t.app.inject({ method: 'GET', url: '/api/test/me', headers: alice })).statusCode).toBe(200);
      expectLimited(await t.app.inject({ method: 'GET', url: '/api/test/me', headers: alice }));
      expect((await t.app.inject({ method: 'GET', url: '/api/test/me', headers: bob })).statusCode).toBe(200);
      // A forged token naming alice spends nothing of hers: it is refused before the limit.
      expect((await t.app.inject({ method: 'GET', url: '/api/test/me', headers: { authorization: 'Bearer forged' } })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('are off at 0', async () => {
    const t = await createPlatformTestApp({ controllers: [SecretsController], env: { OKR_RATE_LIMIT_PER_IP: '0', OKR_RATE_LIMIT_PER_PRINCIPAL: '0' } });
    try {
      for (let i = 0; i < 50; i++) expect((await t.app.inject({ method: 'GET', url: '/api/test/open' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
