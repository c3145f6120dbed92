import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { issueEmbeddedToken } from './embedded-token';
import { loadOrCreateSigningKey, signingKeyPath } from './signing-key';
import { parseTokenArgs, runTokenCli, TokenCliUsageError } from './token-cli';

describe('embedded signing key', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'okr-key-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('is created once, private to its owner, even when many callers start together', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(dataDir)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);

    const file = signingKeyPath(dataDir);
    expect(file).toBe(join(dataDir, 'auth', 'signing-key.json'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dataDir, 'auth'))).toEqual(['signing-key.json']);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored).toMatchObject({ kid: keys[0]?.kid, alg: 'ES256', publicJwk: { kty: 'EC', crv: 'P-256' } });
    expect(stored.publicJwk.d).toBeUndefined();
  });

  it('is read back, not replaced, on the next start', async () => {
    const first = await loadOrCreateSigningKey(dataDir);
    const before = await readFile(signingKeyPath(dataDir), 'utf8');
    const again = await loadOrCreateSigningKey(dataDir);
    expect(again.kid).toBe(first.kid);
    expect(await readFile(signingKeyPath(dataDir), 'utf8')).toBe(before);
  });

  it('refuses a damaged key file with a message saying what to do', async () => {
    await mkdir(join(dataDir, 'auth'), { recursive: true });
    await writeFile(signingKeyPath(dataDir), '{"kid": 1}');
    await expect(loadOrCreateSigningKey(dataDir)).rejects.toThrow(/unreadable; delete it/);
  });

  it('signs tokens that verify with the stored public key', async () => {
    const token = await issueEmbeddedToken({ dataDir, tenant: 'acme', user: 'alice', roles: ['admin'], expiresIn: 60 });
    const stored = JSON.parse(await readFile(signingKeyPath(dataDir), 'utf8'));
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(stored.publicJwk, 'ES256'), {
      issuer: 'okr-embedded',
      audience: 'okr',
    });
    expect(protectedHeader.kid).toBe(stored.kid);
    expect(payload).toMatchObject({ sub: 'alice', tenant: 'acme', roles: ['admin'], teams: [] });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeGreaterThanOrEqual(59);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(61);
  });
});

describe('token CLI', () => {
  it('parses tenant, user and comma-separated or repeated lists', () => {
    expect(parseTokenArgs(['--tenant', 'acme', '--user', 'alice', '--roles', 'admin,lead', '--teams', 'growth', '--teams', 'core'])).toEqual({
      tenant: 'acme',
      user: 'alice',
      roles: ['admin', 'lead'],
      teams: ['growth', 'core'],
      expiresIn: '8h',
    });
  });

  it.each([
    [['--user', 'alice'], '--tenant is required'],
    [['--tenant', 'acme'], '--user is required'],
    [['--tenant', 'acme', '--user', 'alice', '--admin'], "Unknown option '--admin'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseTokenArgs(argv)).toThrow(TokenCliUsageError);
    expect(() => parseTokenArgs(argv)).toThrow(message);
  });

  it('issues a token for OKR_DATA_DIR with OKR_TENANT_CLAIM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'okr-cli-'));
    try {
      const token = await runTokenCli(['--tenant', 'acme', '--user', 'alice', '--roles', 'admin'], {
        OKR_DATA_DIR: dataDir,
        OKR_TENANT_CLAIM: 'org',
      });
      expect(decodeJwt(token)).toMatchObject({ sub: 'alice', org: 'acme', roles: ['admin'], iss: 'okr-embedded' });
      expect(decodeProtectedHeader(token).alg).toBe('ES256');
      expect((await stat(signingKeyPath(dataDir))).isFile()).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses --expires-in beyond OKR_TOKEN_MAX_LIFETIME_SECONDS (the services would answer 401)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'okr-cli-'));
    try {
      const args = ['--tenant', 'acme', '--user', 'alice', '--expires-in'];
      await expect(runTokenCli([...args, '30d'], { OKR_DATA_DIR: dataDir })).rejects.toThrow(/longer than OKR_TOKEN_MAX_LIFETIME_SECONDS \(86400 s\)/);
      await expect(runTokenCli([...args, '2h'], { OKR_DATA_DIR: dataDir, OKR_TOKEN_MAX_LIFETIME_SECONDS: '3600' })).rejects.toBeInstanceOf(TokenCliUsageError);
      expect(decodeJwt(await runTokenCli([...args, '24h'], { OKR_DATA_DIR: dataDir }))).toMatchObject({ sub: 'alice' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
