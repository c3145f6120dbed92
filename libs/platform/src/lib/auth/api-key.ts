import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import {
  integrationActor,
  serviceAccountByKeyId,
  serviceAccountsDecider,
  serviceAccountsStreamName,
  type KeyDigest,
} from '@okr/okr-domain';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config';
import { UnauthenticatedProblem } from '../errors/problems';
import type { Principal } from './principal';

/**
 * Service-account API keys: `okrsk.<tenant, base64url>.<key id>.<secret>`, sent as `Authorization:
 * Bearer <key>`. The tenant and key id say where to look; the secret (32 random bytes) is checked
 * against the SHA-256 kept in the tenant's registry stream (`serviceaccounts-{tenant}`), which every
 * service reads from the shared event store. A plain SHA-256 is enough for a random 256-bit secret:
 * slow hashes protect guessable passwords, which these are not.
 */
export const API_KEY_PREFIX = 'okrsk';

/** The role of a service account's principal: it may only do what routes marked {@link AcceptsApiKeys} allow. */
export const INTEGRATION_ROLE = 'integration';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** True when a bearer credential is an API key rather than a JWT. */
export const isApiKey = (token: string): boolean => token.startsWith(`${API_KEY_PREFIX}.`);

/** A new key for a tenant: the key to show once, and the digest to keep. */
export function issueApiKey(tenantId: string): { key: string; digest: KeyDigest } {
  const keyId = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return {
    key: [API_KEY_PREFIX, Buffer.from(tenantId).toString('base64url'), keyId, secret].join('.'),
    digest: { keyId, secretHash: sha256(secret) },
  };
}

/** The parts of an API key; undefined when it is not one. */
export function parseApiKey(token: string): { tenantId: string; keyId: string; secret: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== API_KEY_PREFIX) return undefined;
  const [, tenant, keyId, secret] = parts as [string, string, string, string];
  const tenantId = Buffer.from(tenant, 'base64url').toString('utf8');
  if (tenantId === '' || keyId === '' || secret === '') return undefined;
  return { tenantId, keyId, secret };
}

/** Metadata key set by {@link AcceptsApiKeys}. */
export const ACCEPTS_API_KEYS = 'okr:accepts-api-keys';

/** Lets service accounts call this route with their API key; every other route answers them 403. */
export const AcceptsApiKeys = (): MethodDecorator & ClassDecorator => SetMetadata(ACCEPTS_API_KEYS, true);

const CACHE_LIMIT = 10_000;

/**
 * Verifies API keys against the registry and turns them into a {@link Principal}: userId
 * `integration:<name>`, role `integration`, the account's scope in `serviceAccount`. A verified key is
 * trusted for `OKR_API_KEY_CACHE_SECONDS`; a revoked or rotated key therefore stops working at once on
 * the replica that recorded the change ({@link forgetAccount}) and within that time on every other.
 * Failures are never cached, so a new key works at once.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Optional() @Inject(EVENT_STORE) private readonly store?: EventStore,
  ) {}

  /** @throws UnauthenticatedProblem (401) for a key that is malformed, unknown, rotated away or revoked. */
  async verify(token: string, now = Date.now()): Promise<Principal> {
    const cacheKey = sha256(token);
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.principal;
    this.cache.delete(cacheKey);

    const parsed = parseApiKey(token);
    if (!parsed || !this.store) throw new UnauthenticatedProblem('The API key is invalid.', true);
    const { state } = await loadAggregate(this.store, serviceAccountsStreamName(parsed.tenantId), serviceAccountsDecider, parsed.tenantId);
    const account = serviceAccountByKeyId(state, parsed.keyId);
    const given = Buffer.from(sha256(parsed.secret), 'hex');
    const kept = Buffer.from(account?.key?.secretHash ?? '', 'hex');
    if (!account || kept.length !== given.length || !timingSafeEqual(kept, given)) {
      throw new UnauthenticatedProblem('The API key is invalid, rotated or revoked.', true);
    }
    const principal: Principal = {
      tenantId: parsed.tenantId,
      userId: integrationActor(account.name),
      roles: [INTEGRATION_ROLE],
      teams: [],
      serviceAccount: { id: account.id, name: account.name, scope: account.scope },
    };
    const ttl = this.config.OKR_API_KEY_CACHE_SECONDS * 1000;
    if (ttl > 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(cacheKey, { principal, until: now + ttl });
    }
    return principal;
  }

  /** Drops what this replica trusts of an account at once (after a rotation or revocation made here). */
  forgetAccount(serviceAccountId: string): void {
    for (const [key, entry] of this.cache) {
      if (entry.principal.serviceAccount?.id === serviceAccountId) this.cache.delete(key);
    }
  }
}
