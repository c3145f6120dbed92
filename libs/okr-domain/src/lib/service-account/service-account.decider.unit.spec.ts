import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { CreateServiceAccount, RevokeServiceAccount, RotateServiceAccountKey, ServiceAccountCreated } from './service-account';
import { integrationActor, serviceAccountsStreamName } from './service-account';
import { serviceAccountByKeyId, serviceAccountsDecider } from './service-account.decider';

const spec = DeciderSpecification.for(serviceAccountsDecider);
const meta = { now: '2026-10-20T10:00:00.000Z' };
const HASH_1 = 'a'.repeat(64);
const HASH_2 = 'b'.repeat(64);

const created: ServiceAccountCreated = {
  type: 'ServiceAccountCreated',
  data: {
    serviceAccountId: 'sa-1',
    name: 'product-analytics',
    scope: { teams: ['growth'], keyResultIds: [] },
    key: { keyId: 'k-1', secretHash: HASH_1 },
    createdBy: 'alice',
  },
};
const create = (data: Partial<CreateServiceAccount['data']> = {}): CreateServiceAccount => ({
  type: 'CreateServiceAccount',
  data: { ...created.data, ...data },
  metadata: meta,
});
const rotate = (keyId = 'k-2'): RotateServiceAccountKey => ({
  type: 'RotateServiceAccountKey',
  data: { serviceAccountId: 'sa-1', key: { keyId, secretHash: HASH_2 }, rotatedBy: 'alice' },
  metadata: meta,
});
const revoke = (reason = 'Contract ended'): RevokeServiceAccount => ({
  type: 'RevokeServiceAccount',
  data: { serviceAccountId: 'sa-1', revokedBy: 'alice', reason },
  metadata: meta,
});
const rotated = { type: 'ServiceAccountKeyRotated' as const, data: { serviceAccountId: 'sa-1', name: 'product-analytics', key: { keyId: 'k-2', secretHash: HASH_2 }, rotatedBy: 'alice' } };
const revoked = { type: 'ServiceAccountRevoked' as const, data: { serviceAccountId: 'sa-1', name: 'product-analytics', revokedBy: 'alice', reason: 'Contract ended' } };

describe('service accounts registry', () => {
  it('creates an account with a scope and the digest of its key', () => {
    spec.given([]).when(create({ scope: { teams: [' growth', 'growth'], keyResultIds: [] } })).then([created]);
  });

  it('refuses a bad name, a taken name, no scope, a key that is not a digest', () => {
    spec.given([]).when(create({ name: 'Product Analytics' })).thenThrows('invalid-service-account-name');
    spec.given([created]).when(create({ serviceAccountId: 'sa-2' })).thenThrows('duplicate-service-account-name');
    spec.given([]).when(create({ scope: { teams: [], keyResultIds: [' '] } })).thenThrows('service-account-needs-a-scope');
    spec.given([]).when(create({ key: { keyId: 'k-1', secretHash: 'the-secret-itself' } })).thenThrows('invalid-key-digest');
  });

  it('frees the name of a revoked account', () => {
    spec.given([created, revoked]).when(create({ serviceAccountId: 'sa-2' })).then([{ ...created, data: { ...created.data, serviceAccountId: 'sa-2' } }]);
  });

  it('rotates the key: only the new one identifies the account', () => {
    spec.given([created]).when(rotate()).then([rotated]);
    const state = replay(serviceAccountsDecider, [created, rotated]);
    expect(serviceAccountByKeyId(state, 'k-1')).toBeUndefined();
    expect(serviceAccountByKeyId(state, 'k-2')).toMatchObject({ name: 'product-analytics', rotations: 1 });
  });

  it('revokes with a reason: no key identifies it any more, and it cannot be rotated', () => {
    spec.given([created]).when(revoke()).then([revoked]);
    spec.given([created]).when(revoke(' ')).thenThrows('reason-required');
    const state = replay(serviceAccountsDecider, [created, revoked]);
    expect(serviceAccountByKeyId(state, 'k-1')).toBeUndefined();
    expect(state.accounts[0]).toMatchObject({ status: 'revoked' });
    expect(state.accounts[0]).not.toHaveProperty('key');
    spec.given([created, revoked]).when(rotate()).thenThrows('service-account-revoked');
    spec.given([]).when(revoke()).thenThrows('service-account-not-found', 'not-found');
  });

  it('names its stream per tenant and its actor per account', () => {
    expect(serviceAccountsStreamName('acme')).toBe('serviceaccounts-acme');
    expect(integrationActor('product-analytics')).toBe('integration:product-analytics');
  });
});
