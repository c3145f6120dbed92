import { randomUUID } from 'node:crypto';
import type { PersonalDataKeyStore } from '../lib/personal-data/key-store.port';

/** Builds the key store under test, and a second handle on the same keys (another process's view). */
export interface KeyStoreContractSubject {
  keys: PersonalDataKeyStore;
  /** Another connection to the same keys; omit when the adapter has only one. */
  another?: () => Promise<PersonalDataKeyStore>;
  cleanup?: () => Promise<void>;
}

/** The contract every `PersonalDataKeyStore` adapter passes. */
export function personalDataKeyStoreContract(name: string, factory: () => Promise<KeyStoreContractSubject>): void {
  describe(`PersonalDataKeyStore contract: ${name}`, () => {
    let subject: KeyStoreContractSubject;
    const tenant = (): string => `t-${randomUUID()}`;

    beforeAll(async () => {
      subject = await factory();
    });
    afterAll(async () => {
      await subject.keys.close();
      await subject.cleanup?.();
    });

    it('creates a 256-bit key on first use and gives the same one after', async () => {
      const t = tenant();
      const first = await subject.keys.keyFor(t, 'ann');
      expect(first.key).toHaveLength(32);
      expect(first.keyId).not.toContain('ann');
      expect(await subject.keys.keyFor(t, 'ann')).toEqual(first);
      expect(await subject.keys.keyIdOf(t, 'ann')).toBe(first.keyId);
      expect(await subject.keys.keyById(first.keyId)).toEqual(first.key);
    });

    it('keeps one key per person and tenant', async () => {
      const [t1, t2] = [tenant(), tenant()];
      const ann = await subject.keys.keyFor(t1, 'ann');
      const bob = await subject.keys.keyFor(t1, 'bob');
      const annElsewhere = await subject.keys.keyFor(t2, 'ann');
      expect(new Set([ann.keyId, bob.keyId, annElsewhere.keyId]).size).toBe(3);
      expect(Buffer.from(ann.key).equals(Buffer.from(bob.key))).toBe(false);
    });

    it('answers nothing for a person without a key, and creates none when asked', async () => {
      const t = tenant();
      expect(await subject.keys.keyIdOf(t, 'nobody')).toBeUndefined();
      expect(await subject.keys.keyIdOf(t, 'nobody')).toBeUndefined();
      expect(await subject.keys.keyById(randomUUID())).toBeUndefined();
    });

    it('destroys a key for good: its id opens nothing, and a later use gets a new key', async () => {
      const t = tenant();
      const before = await subject.keys.keyFor(t, 'ann');
      const bob = await subject.keys.keyFor(t, 'bob');
      expect(await subject.keys.destroy(before.keyId)).toBe(true);
      expect(await subject.keys.destroy(before.keyId)).toBe(false);
      expect(await subject.keys.keyById(before.keyId)).toBeUndefined();
      expect(await subject.keys.keyIdOf(t, 'ann')).toBeUndefined();
      expect(await subject.keys.keyById(bob.keyId)).toEqual(bob.key);
      const after = await subject.keys.keyFor(t, 'ann');
      expect(after.keyId).not.toBe(before.keyId);
    });

    it('agrees with another connection on first use and sees its destruction', async () => {
      if (!subject.another) return;
      const other = await subject.another();
      try {
        const t = tenant();
        const [mine, theirs] = await Promise.all([subject.keys.keyFor(t, 'cy'), other.keyFor(t, 'cy')]);
        expect(theirs).toEqual(mine);
        await other.destroy(mine.keyId);
        expect(await subject.keys.keyById(mine.keyId)).toBeUndefined();
      } finally {
        await other.close();
      }
    });
  });
}
