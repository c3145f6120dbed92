import { ERASED_PERSON, everyStringOf, personalValuesOf, type EventEnvelope } from '@okr/okr-domain';
import type { NewEvent } from '../event-store.port';
import type { PersonalDataKeyStore, SubjectKey } from './key-store.port';
import { open, seal, sealedKeyId } from './personal-data-cipher';

/**
 * Seals and opens the personal fields of events (`PERSONAL_DATA_FIELDS`), each under its subject's
 * key. Sealing happens once, before an event is stored; opening on every read, before anything else
 * (upcasting included) sees the event.
 */
export class PersonalDataProtection {
  constructor(readonly keys: PersonalDataKeyStore) {}

  /** A copy of the event with every personal field sealed; the caller's event is left as it was. */
  async seal<E extends Pick<NewEvent, 'type' | 'data' | 'metadata'>>(event: E): Promise<E> {
    const copy = { ...event, data: structuredClone(event.data), metadata: structuredClone(event.metadata) };
    const keys = new Map<string, SubjectKey>();
    // Subjects are resolved on the plain event first: sealing the actor must not hide whose a note is.
    for (const found of personalValuesOf(copy)) {
      // A value of several people is sealed under each one's key in turn: any one erasure hides it.
      let sealed = found.value;
      for (const subject of found.subjects) {
        let key = keys.get(subject);
        if (!key) keys.set(subject, (key = await this.keys.keyFor(event.metadata.tenantId, subject)));
        sealed = seal(sealed, key.keyId, key.key);
      }
      found.replace(sealed);
    }
    return copy;
  }

  /**
   * A copy of the stored event with its sealed values opened, wherever they are (an event of an older
   * schema version keeps them under that version's names); a field whose key was destroyed reads
   * {@link ERASED_PERSON}. Plain values (stored before sealing existed) are left as they are, and so is
   * a value that does not open with its key (the hash chain is what tells an altered event).
   */
  async open<E extends { type: string; data: unknown; metadata: EventEnvelope['metadata'] }>(event: E): Promise<E> {
    if (sealedValuesOf(event).length === 0) return event;
    const copy = { ...event, data: structuredClone(event.data), metadata: structuredClone(event.metadata) };
    const keys = new Map<string, Uint8Array | undefined>();
    for (const found of everyStringOf(copy)) {
      let value = found.value;
      // Layer by layer (a value of several people is sealed once per person), to the plain value.
      for (let keyId = sealedKeyId(value), layer = 0; keyId !== undefined && layer < MAX_LAYERS; keyId = sealedKeyId(value), layer += 1) {
        if (!keys.has(keyId)) keys.set(keyId, await this.keys.keyById(keyId));
        const key = keys.get(keyId);
        const opened = key ? openOrKeep(value, key) : ERASED_PERSON;
        if (opened === value) break;
        value = opened;
      }
      if (value !== found.value) found.replace(value);
    }
    return copy;
  }
}

/** The sealed values of a stored event by location (whatever its schema version). */
export const sealedValuesOf = (event: { data: unknown; metadata: unknown }): { location: string; value: string }[] =>
  everyStringOf(event)
    .filter(({ value }) => sealedKeyId(value) !== undefined)
    .map(({ location, value }) => ({ location, value }));

/** More layers than any value has people: a guard against a crafted value, not a limit reached. */
const MAX_LAYERS = 64;

const openOrKeep = (value: string, key: Uint8Array): string => {
  try {
    return open(value, key);
  } catch {
    return value;
  }
};
