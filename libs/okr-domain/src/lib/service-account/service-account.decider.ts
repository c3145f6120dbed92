import type { Decider } from '../shared/envelope';
import { notFound, ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import type * as C from './service-account';
import type { KeyDigest, ServiceAccountEvent, ServiceAccountScope } from './service-account';
import { SERVICE_ACCOUNT_NAME } from './service-account';

export interface ServiceAccount {
  id: string;
  name: string;
  scope: ServiceAccountScope;
  /** The one key that works; rotating replaces it, revoking removes it. */
  key?: KeyDigest;
  status: 'active' | 'revoked';
  createdBy: string;
  rotations: number;
}

/** A tenant's registry of service accounts, by id, in creation order. */
export interface ServiceAccountsState {
  accounts: ServiceAccount[];
}

export const initialServiceAccountsState = (): ServiceAccountsState => ({ accounts: [] });

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const required = (value: unknown, code: string, field: string): string => {
  const trimmed = text(value);
  if (trimmed === '') throw ruleBroken(code, `${field} is required.`, { field });
  return trimmed;
};

const checkKey = (key: KeyDigest | undefined): KeyDigest => {
  if (!key || text(key.keyId) === '' || !/^[0-9a-f]{64}$/.test(key.secretHash ?? '')) {
    throw ruleBroken('invalid-key-digest', 'A key is stored as its id and the SHA-256 of its secret.', { field: 'key' });
  }
  return { keyId: key.keyId, secretHash: key.secretHash };
};

const distinct = (values: unknown): string[] => [...new Set((Array.isArray(values) ? values : []).map(text).filter((v) => v !== ''))];

/** Finds an account by id; revoked ones included. */
export const serviceAccountById = (state: ServiceAccountsState, id: string): ServiceAccount | undefined =>
  state.accounts.find((a) => a.id === id);

/** The active account whose current key has this id; undefined once rotated away or revoked. */
export const serviceAccountByKeyId = (state: ServiceAccountsState, keyId: string): ServiceAccount | undefined =>
  state.accounts.find((a) => a.status === 'active' && a.key?.keyId === keyId);

const create = (state: ServiceAccountsState, { data }: C.CreateServiceAccount): ServiceAccountEvent[] => {
  const name = text(data.name);
  if (!SERVICE_ACCOUNT_NAME.test(name)) {
    throw ruleBroken('invalid-service-account-name', 'name is 3 to 64 lowercase letters, digits and dashes, e.g. product-analytics.', { field: 'name' });
  }
  if (state.accounts.some((a) => a.name === name && a.status === 'active')) {
    throw ruleBroken('duplicate-service-account-name', `A service account named ${name} already exists.`, { field: 'name', name });
  }
  const serviceAccountId = required(data.serviceAccountId, 'service-account-id-required', 'serviceAccountId');
  if (serviceAccountById(state, serviceAccountId)) {
    throw ruleBroken('service-account-already-created', `Service account ${name} was already created.`, { serviceAccountId });
  }
  const scope = { teams: distinct(data.scope?.teams), keyResultIds: distinct(data.scope?.keyResultIds) };
  if (scope.teams.length === 0 && scope.keyResultIds.length === 0) {
    throw ruleBroken('service-account-needs-a-scope', 'A service account feeds the key results of some teams, or some key results.', { field: 'scope' });
  }
  const createdBy = required(data.createdBy, 'creator-required', 'createdBy');
  return [{ type: 'ServiceAccountCreated', data: { serviceAccountId, name, scope, key: checkKey(data.key), createdBy } }];
};

const activeAccount = (state: ServiceAccountsState, id: string): ServiceAccount => {
  const account = serviceAccountById(state, id);
  if (!account) throw notFound('service-account-not-found', 'Service account not found.', { serviceAccountId: id });
  if (account.status === 'revoked') {
    throw ruleBroken('service-account-revoked', `Service account ${account.name} was revoked.`, { serviceAccountId: id });
  }
  return account;
};

/**
 * Decides what a registry command means. Throws `service-account-not-found` (not-found);
 * `invalid-service-account-name`, `duplicate-service-account-name`, `service-account-needs-a-scope`,
 * `service-account-already-created`, `service-account-revoked`, `invalid-key-digest`,
 * `reason-required` and the `*-required` codes (rule-broken).
 */
export const decideServiceAccounts = (command: C.ServiceAccountCommand, state: ServiceAccountsState): ServiceAccountEvent[] => {
  switch (command.type) {
    case 'CreateServiceAccount':
      return create(state, command);
    case 'RotateServiceAccountKey': {
      const account = activeAccount(state, command.data.serviceAccountId);
      const rotatedBy = required(command.data.rotatedBy, 'rotator-required', 'rotatedBy');
      return [{ type: 'ServiceAccountKeyRotated', data: { serviceAccountId: account.id, name: account.name, key: checkKey(command.data.key), rotatedBy } }];
    }
    case 'RevokeServiceAccount': {
      const account = activeAccount(state, command.data.serviceAccountId);
      const revokedBy = required(command.data.revokedBy, 'revoker-required', 'revokedBy');
      const reason = required(command.data.reason, 'reason-required', 'reason');
      return [{ type: 'ServiceAccountRevoked', data: { serviceAccountId: account.id, name: account.name, revokedBy, reason } }];
    }
    default:
      return unhandledCommand(command);
  }
};

const update = (state: ServiceAccountsState, id: string, change: (a: ServiceAccount) => ServiceAccount): ServiceAccountsState => ({
  accounts: state.accounts.map((a) => (a.id === id ? change(a) : a)),
});

/** Folds one registry event. Never throws; unknown events and unknown accounts leave the state as it is. */
export const evolveServiceAccounts = (state: ServiceAccountsState, event: ServiceAccountEvent): ServiceAccountsState => {
  switch (event.type) {
    case 'ServiceAccountCreated': {
      const { serviceAccountId, name, scope, key, createdBy } = event.data;
      if (serviceAccountById(state, serviceAccountId)) return state;
      return { accounts: [...state.accounts, { id: serviceAccountId, name, scope, key, status: 'active', createdBy, rotations: 0 }] };
    }
    case 'ServiceAccountKeyRotated':
      return update(state, event.data.serviceAccountId, (a) => ({ ...a, key: event.data.key, rotations: a.rotations + 1 }));
    case 'ServiceAccountRevoked':
      return update(state, event.data.serviceAccountId, ({ key: _key, ...a }) => ({ ...a, status: 'revoked' }));
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** A tenant's service-account registry as an emmett-style decider. */
export const serviceAccountsDecider: Decider<ServiceAccountsState, C.ServiceAccountCommand, ServiceAccountEvent> = {
  decide: decideServiceAccounts,
  evolve: evolveServiceAccounts,
  initialState: initialServiceAccountsState,
};
