import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { loadConfig } from '../config/load-config';
import type { PlatformConfig } from '../config/platform-config';
import { UnauthenticatedProblem } from '../errors/problems';
import { EMBEDDED_AUDIENCE, EMBEDDED_ISSUER } from './embedded-token';
import { cachedSigningKey } from './signing-key';
import { TokenVerifier, type VerifiedTokenCacheOptions } from './token-verifier';

// The real jose, with its signature check counted.
jest.mock('jose', () => {
  const actual = jest.requireActual<typeof import('jose')>('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});
const signatureChecks = jwtVerify as jest.MockedFunction<typeof jwtVerify>;

const START = Date.parse('2026-06-01T09:00:00Z');

describe('TokenVerifier verified-token cache', () => {
  let dataDir: string;
  let config: PlatformConfig;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'okr-token-cache-'));
    config = loadConfig({ OKR_DATA_DIR: dataDir }, { PORT: 0 });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeEach(() => {
    // Only the clock is faked: the signature checks still run on real crypto promises.
    jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    signatureChecks.mockClear();
  });
  afterEach(() => jest.useRealTimers());

  const verifier = (cache: Partial<VerifiedTokenCacheOptions> = {}) => new TokenVerifier(config, cache);

  /** A token of the data folder's key for `sub`, expiring `lifetimeSeconds` after the (fake) now. */
  const token = async (sub: string, lifetimeSeconds = 300): Promise<string> => {
    const key = await cachedSigningKey(dataDir);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tenant: 'acme', roles: ['member'] })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject(sub)
      .setIssuer(EMBEDDED_ISSUER)
      .setAudience(EMBEDDED_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(key.privateKey);
  };

  it('checks the signature of a token once, and answers its next verifications from the cache', async () => {
    const tokens = verifier();
    const alice = await token('alice');

    const first = await tokens.verify(alice);
    const second = await tokens.verify(alice);

    expect(second).toEqual(first);
    expect(second).toMatchObject({ tenantId: 'acme', userId: 'alice', roles: ['member'] });
    expect(signatureChecks).toHaveBeenCalledTimes(1);

    await tokens.verify(await token('bob'));
    expect(signatureChecks).toHaveBeenCalledTimes(2);
  });

  it('refuses a cached token once it has expired (past the clock skew, as an uncached one)', async () => {
    const tokens = verifier();
    const short = await token('alice', 120);
    await tokens.verify(short);

    jest.setSystemTime(START + (120 + config.OKR_TOKEN_CLOCK_SKEW_SECONDS + 1) * 1000);

    await expect(tokens.verify(short)).rejects.toThrow(UnauthenticatedProblem);
    await expect(tokens.verify(short)).rejects.toThrow(/expired/);
    expect(signatureChecks).toHaveBeenCalledTimes(3);
    expect(tokens.cachedTokens).toBe(0);
  });

  it('never trusts a cached token longer than its max age: past it, the token is checked again', async () => {
    const tokens = verifier({ maxAgeSeconds: 10 });
    const alice = await token('alice', 3600);
    await tokens.verify(alice);

    jest.setSystemTime(START + 9_000);
    await tokens.verify(alice);
    expect(signatureChecks).toHaveBeenCalledTimes(1);

    jest.setSystemTime(START + 11_000);
    await expect(tokens.verify(alice)).resolves.toMatchObject({ userId: 'alice' });
    expect(signatureChecks).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries tokens, dropping the least recently used', async () => {
    const tokens = verifier({ maxEntries: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => token(sub)));
    await tokens.verify(a);
    await tokens.verify(b);
    await tokens.verify(a); // a is now the most recently used: b goes first
    await tokens.verify(c);
    expect(tokens.cachedTokens).toBe(2);
    expect(signatureChecks).toHaveBeenCalledTimes(3);

    await tokens.verify(a);
    await tokens.verify(c);
    expect(signatureChecks).toHaveBeenCalledTimes(3);
    await tokens.verify(b);
    expect(signatureChecks).toHaveBeenCalledTimes(4);
    expect(tokens.cachedTokens).toBe(2);
  });

  it('keeps no failure: a token with a broken signature is checked, and refused, every time', async () => {
    const tokens = verifier();
    const good = await token('alice');
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(86)}`;

    await expect(tokens.verify(forged)).rejects.toThrow(/invalid/);
    await expect(tokens.verify(forged)).rejects.toThrow(/invalid/);
    expect(signatureChecks).toHaveBeenCalledTimes(2);
    expect(tokens.cachedTokens).toBe(0);
  });

  it('checks every time when the cache is turned off (maxEntries 0)', async () => {
    const tokens = verifier({ maxEntries: 0 });
    const alice = await token('alice');
    await tokens.verify(alice);
    await tokens.verify(alice);
    expect(signatureChecks).toHaveBeenCalledTimes(2);
    expect(tokens.cachedTokens).toBe(0);
  });
});
