import { ERASED_PERSON, everyStringOf, latestSchemaVersion, personalValuesOf, upcast, type EventEnvelope } from '@okr/okr-domain';
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
   * `value` sealed under each of these keys in turn (by id, as {@link seal} does a value of several
   * people), for what is not an event: a text a service keeps that quotes several people. Erasing any
   * one of them makes it unreadable. A key destroyed meanwhile is passed over: whatever of that person
   * the value held was read as {@link ERASED_PERSON} already. No key ids: the value as it is.
   */
  async sealUnder(value: string, keyIds: readonly string[]): Promise<string> {
    let sealed = value;
    for (const keyId of new Set(keyIds)) {
      const key = await this.keys.keyById(keyId);
      if (key) sealed = seal(sealed, keyId, key);
    }
    return sealed;
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
    await this.openStrings(everyStringOf(copy));
    return copy;
  }

  /**
   * A copy of any JSON value (a read model's document, a query's answer) with every sealed string in it
   * opened, wherever it is; a value whose key was destroyed reads {@link ERASED_PERSON}, as on the
   * events. The value itself when it holds nothing sealed. This is how a read model that stores
   * personal fields sealed (as the events carry them) shows them: opened at the moment of reading,
   * so an erasure reaches it with no rewrite.
   */
  async openDocument<T>(document: T): Promise<T> {
    if (!hasSealedString(document)) return document;
    const copy = { data: { document: structuredClone(document) }, metadata: {} };
    await this.openStrings(everyStringOf(copy));
    return copy.data.document;
  }

  private async openStrings(strings: readonly { value: string; replace(next: string): void }[]): Promise<void> {
    const keys = new Map<string, Uint8Array | undefined>();
    for (const found of strings) {
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
  }
}

/** Whether a JSON value holds a sealed string anywhere (cheap: no copy). */
const hasSealedString = (value: unknown): boolean => {
  if (typeof value === 'string') return value.startsWith('pd1.') && sealedKeyId(value) !== undefined;
  if (typeof value !== 'object' || value === null) return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(hasSealedString);
};

/**
 * A stored event lifted to its latest schema version and still sealed, as Kafka carries it: opened with
 * the stored version's names, upcast on plain values, then each personal field of the latest version
 * sealed again under its subject's key, only if that very key sealed the stored event (never a key
 * created since, e.g. after an erasure); otherwise the value reads {@link ERASED_PERSON}. An event
 * already at its latest version, or stored before sealing existed, is lifted as before.
 */
export async function liftSealed(protection: PersonalDataProtection, stored: EventEnvelope): Promise<EventEnvelope> {
  // At its latest version (nearly every event) there is nothing to lift: no walk of its strings either
  // (each consumer group lifts every event it reads; the walk was a twentieth of insights' catch-up).
  if (stored.schemaVersion === latestSchemaVersion(stored.type)) return upcast(stored);
  const sealedBy = new Set(sealedValuesOf(stored).map(({ value }) => sealedKeyId(value)));
  if (sealedBy.size === 0) return upcast(stored);
  const lifted = upcast(await protection.open(stored));
  const copy = { ...lifted, data: structuredClone(lifted.data), metadata: structuredClone(lifted.metadata) };
  for (const found of personalValuesOf(copy)) {
    let sealed = found.value;
    for (const subject of found.subjects) {
      const keyId = found.value === ERASED_PERSON ? undefined : await protection.keys.keyIdOf(stored.metadata.tenantId, subject);
      const key = keyId !== undefined && sealedBy.has(keyId) ? await protection.keys.keyById(keyId) : undefined;
      if (keyId === undefined || !key) {
        sealed = ERASED_PERSON;
        break;
      }
      sealed = seal(sealed, keyId, key);
    }
    found.replace(sealed);
  }
  // A personal value the catalogue no longer names (an upcaster renamed its field) is never let out in
  // clear: a plain string equal to a value the stored event had sealed is sealed again under that key.
  const plainOf = new Map<string, string>();
  for (const { value } of sealedValuesOf(stored)) {
    const opened = (await protection.open({ type: stored.type, data: { value }, metadata: stored.metadata })).data.value;
    const keyId = sealedKeyId(value);
    if (keyId !== undefined && opened !== value && opened !== ERASED_PERSON) plainOf.set(opened, keyId);
  }
  for (const found of everyStringOf(copy)) {
    const keyId = plainOf.get(found.value);
    const key = keyId === undefined ? undefined : await protection.keys.keyById(keyId);
    if (keyId !== undefined) found.replace(key ? seal(found.value, keyId, key) : ERASED_PERSON);
  }
  return copy;
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
