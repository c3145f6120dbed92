/** DI token for the {@link PersonalDataKeyStore} port. */
export const PERSONAL_DATA_KEY_STORE = Symbol('PERSONAL_DATA_KEY_STORE');

/** A person's data key: 32 random bytes (AES-256), known by a random id that names no one. */
export interface SubjectKey {
  keyId: string;
  key: Uint8Array;
}

/**
 * One key per (tenant, subject), kept outside the event log: destroying it makes every field sealed
 * with it unreadable for good (crypto-shredding). Every adapter passes `personalDataKeyStoreContract`
 * (`@okr/event-store/testing`).
 */
export interface PersonalDataKeyStore {
  /**
   * The subject's key, created on first use. Concurrent first uses (other processes too) agree on one
   * key. After {@link destroy}, a later use creates a new key: data written then is readable again.
   */
  keyFor(tenantId: string, subjectId: string): Promise<SubjectKey>;
  /** The subject's current key id, without creating one. */
  keyIdOf(tenantId: string, subjectId: string): Promise<string | undefined>;
  /** The key of an id, or undefined when it was destroyed (or never existed). */
  keyById(keyId: string): Promise<Uint8Array | undefined>;
  /** Destroys the key with this id; true when there was one to destroy. */
  destroy(keyId: string): Promise<boolean>;
  close(): Promise<void>;
}
