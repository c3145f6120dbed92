import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleCommand, openEventStore, type EventStore } from '@okr/event-store';
import { serviceAccountsDecider, serviceAccountsStreamName, type ServiceAccountCommand } from '@okr/okr-domain';
import { loadConfig } from '../config/load-config';
import { ApiKeyVerifier, issueApiKey, isApiKey, parseApiKey } from './api-key';

describe('service-account API keys', () => {
  let dir: string;
  let store: EventStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okr-api-key-'));
    store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.db') });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const context = (tenantId: string) => ({ tenantId, actor: 'alice', correlationId: 'c-1' });
  const registry = (tenantId: string, command: Omit<ServiceAccountCommand, 'metadata'>) =>
    handleCommand(store, serviceAccountsStreamName(tenantId), serviceAccountsDecider, command, context(tenantId));
  const verifier = (seconds: number) => new ApiKeyVerifier(loadConfig({ OKR_DATA_DIR: dir, OKR_API_KEY_CACHE_SECONDS: String(seconds) }, { PORT: 0 }), store);

  it('carries the tenant and key id, and keeps only the SHA-256 of the secret', () => {
    const { key, digest } = issueApiKey('acme.eu');
    expect(isApiKey(key)).toBe(true);
    expect(isApiKey('eyJhbGciOi.x.y')).toBe(false);
    const parsed = parseApiKey(key);
    expect(parsed).toMatchObject({ tenantId: 'acme.eu', keyId: digest.keyId });
    expect(digest.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain(digest.secretHash);
    expect(parseApiKey('okrsk.only.three')).toBeUndefined();
  });

  it('verifies a key into an integration principal with its scope; another tenant or a forged secret is a 401', async () => {
    const { key, digest } = issueApiKey('acme');
    await registry('acme', { type: 'CreateServiceAccount', data: { serviceAccountId: 'sa-1', name: 'amplitude', scope: { teams: ['growth'], keyResultIds: [] }, key: digest, createdBy: 'alice' } });
    expect(await verifier(0).verify(key)).toEqual({
      tenantId: 'acme',
      userId: 'integration:amplitude',
      roles: ['integration'],
      teams: [],
      serviceAccount: { id: 'sa-1', name: 'amplitude', scope: { teams: ['growth'], keyResultIds: [] } },
    });
    const [prefix, , keyId, secret] = key.split('.');
    const otherTenant = [prefix, Buffer.from('globex').toString('base64url'), keyId, secret].join('.');
    await expect(verifier(0).verify(otherTenant)).rejects.toMatchObject({ status: 401 });
    await expect(verifier(0).verify(`${key.slice(0, -2)}xx`)).rejects.toMatchObject({ status: 401 });
  });

  it('trusts a verified key for OKR_API_KEY_CACHE_SECONDS: a revocation elsewhere is seen once that has passed', async () => {
    const { key, digest } = issueApiKey('initech');
    await registry('initech', { type: 'CreateServiceAccount', data: { serviceAccountId: 'sa-2', name: 'looker', scope: { teams: ['ops'], keyResultIds: [] }, key: digest, createdBy: 'alice' } });
    const cached = verifier(30);
    const t0 = Date.parse('2026-10-20T10:00:00Z');
    await cached.verify(key, t0);
    await registry('initech', { type: 'RevokeServiceAccount', data: { serviceAccountId: 'sa-2', revokedBy: 'alice', reason: 'Gone' } });
    expect((await cached.verify(key, t0 + 29_000)).userId).toBe('integration:looker');
    await expect(cached.verify(key, t0 + 30_001)).rejects.toMatchObject({ status: 401 });
    await expect(verifier(0).verify(key, t0)).rejects.toMatchObject({ status: 401 });
  });

  it('forgets an account at once on the replica that changed it', async () => {
    const { key, digest } = issueApiKey('umbrella');
    await registry('umbrella', { type: 'CreateServiceAccount', data: { serviceAccountId: 'sa-3', name: 'crm', scope: { teams: ['sales'], keyResultIds: [] }, key: digest, createdBy: 'alice' } });
    const cached = verifier(30);
    await cached.verify(key);
    await registry('umbrella', { type: 'RevokeServiceAccount', data: { serviceAccountId: 'sa-3', revokedBy: 'alice', reason: 'Gone' } });
    cached.forgetAccount('sa-3');
    await expect(cached.verify(key)).rejects.toMatchObject({ status: 401 });
  });
});
