import type { Command, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';

/**
 * Service accounts: how data sources (product analytics, CRM, BI) feed key results. A tenant's
 * accounts form one registry, one stream per tenant (`serviceaccounts-{tenantId}`), so that names stay
 * unique and a key is checked by folding one short stream. The registry keeps only a hash of each key:
 * the key itself is shown once, when created or rotated.
 */
export const SERVICE_ACCOUNTS_CATEGORY = 'serviceaccounts';

/** `serviceaccounts-{tenantId}`. */
export const serviceAccountsStreamName = (tenantId: string): string => streamName(SERVICE_ACCOUNTS_CATEGORY, tenantId);

/** What a service account may feed: key results of these teams, and these key results. */
export interface ServiceAccountScope {
  teams: string[];
  keyResultIds: string[];
}

/** The actor of everything a service account records: `integration:<name>`. */
export const integrationActor = (name: string): string => `integration:${name}`;

/** A name people read in the record (`integration:product-analytics`): a lowercase slug. */
export const SERVICE_ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

/** The stored half of a key: its id (public, in the key) and the SHA-256 of its secret, hex. */
export interface KeyDigest {
  keyId: string;
  secretHash: string;
}

export type ServiceAccountCreated = DomainEvent<
  'ServiceAccountCreated',
  { serviceAccountId: string; name: string; scope: ServiceAccountScope; key: KeyDigest; createdBy: string }
>;
export type ServiceAccountKeyRotated = DomainEvent<
  'ServiceAccountKeyRotated',
  { serviceAccountId: string; name: string; key: KeyDigest; rotatedBy: string }
>;
export type ServiceAccountRevoked = DomainEvent<
  'ServiceAccountRevoked',
  { serviceAccountId: string; name: string; revokedBy: string; reason: string }
>;
export type ServiceAccountEvent = ServiceAccountCreated | ServiceAccountKeyRotated | ServiceAccountRevoked;

export type CreateServiceAccount = Command<'CreateServiceAccount', ServiceAccountCreated['data']>;
export type RotateServiceAccountKey = Command<'RotateServiceAccountKey', { serviceAccountId: string; key: KeyDigest; rotatedBy: string }>;
export type RevokeServiceAccount = Command<'RevokeServiceAccount', { serviceAccountId: string; revokedBy: string; reason: string }>;
export type ServiceAccountCommand = CreateServiceAccount | RotateServiceAccountKey | RevokeServiceAccount;
