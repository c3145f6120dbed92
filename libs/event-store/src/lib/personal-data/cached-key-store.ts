import type { PersonalDataKeyStore, SubjectKey } from './key-store.port';

/** How many keys a process keeps for opening personal data, and for how long one is trusted. */
export interface KeyCacheOptions {
  /** Keys kept; the least recently used goes first. 0 turns the cache off. */
  maxEntries: number;
  /**
   * How long a key (or the answer "destroyed") is reused before the store is asked again. A key
   * destroyed on this replica is forgotten at once; every other replica forgets it within this bound.
   */
  maxAgeMs: number;
}

interface KeptKey {
  key: Uint8Array | undefined;
  readAt: number;
}

/**
 * Keys by id for the read path, so that opening a page of events asks the key store once per person
 * rather than once per event. Only `keyById` is answered from memory: sealing (`keyFor`) always asks the
 * store, so a key destroyed on another replica is never used to seal new data. "Destroyed" is kept too:
 * a key id is random and a destroyed key never comes back, and reads of erased people stay cheap.
 */
export class CachedKeyStore implements PersonalDataKeyStore {
  private readonly entries = new Map<string, KeptKey>();
  /** Bumped by every destroy here: a lookup that started before it must not keep what it read. */
  private destroyed = 0;

  constructor(
    readonly inner: PersonalDataKeyStore,
    readonly options: KeyCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async keyFor(tenantId: string, subjectId: string): Promise<SubjectKey> {
    return this.inner.keyFor(tenantId, subjectId);
  }

  keyIdOf(tenantId: string, subjectId: string): Promise<string | undefined> {
    return this.inner.keyIdOf(tenantId, subjectId);
  }

  async keyById(keyId: string): Promise<Uint8Array | undefined> {
    const kept = this.entries.get(keyId);
    if (kept && this.now() - kept.readAt <= this.options.maxAgeMs) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(keyId);
      this.entries.set(keyId, kept);
      return kept.key;
    }
    if (kept) this.entries.delete(keyId);
    const destroyedBefore = this.destroyed;
    const key = await this.inner.keyById(keyId);
    if (destroyedBefore === this.destroyed) this.keep(keyId, key);
    return key;
  }

  async destroy(keyId: string): Promise<boolean> {
    this.forget(keyId);
    try {
      return await this.inner.destroy(keyId);
    } finally {
      // Again once it is gone: a lookup that ran while the store was destroying the key must not keep it.
      this.forget(keyId);
    }
  }

  close(): Promise<void> {
    this.entries.clear();
    return this.inner.close();
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(keyId: string): void {
    this.destroyed += 1;
    this.entries.delete(keyId);
  }

  private keep(keyId: string, key: Uint8Array | undefined): void {
    if (this.options.maxEntries <= 0) return;
    this.entries.set(keyId, { key, readAt: this.now() });
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

/** The store itself when the cache is off (no entries), else the store behind a {@link CachedKeyStore}. */
export const withKeyCache = (keys: PersonalDataKeyStore, options: KeyCacheOptions | undefined): PersonalDataKeyStore =>
  options && options.maxEntries > 0 ? new CachedKeyStore(keys, options) : keys;
