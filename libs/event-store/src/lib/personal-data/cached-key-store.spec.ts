import type { EventMetadata } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { collect } from '../../testing/event-store.contract';
import { personalDataKeyStoreContract } from '../../testing/key-store.contract';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { CachedKeyStore, withKeyCache } from './cached-key-store';
import type { PersonalDataKeyStore } from './key-store.port';
import { ProtectedEventStore } from './protected-event-store';
import { SqliteKeyStore } from './sqlite-key-store';

/** The real store, counting what reaches it. */
class CountingKeyStore implements PersonalDataKeyStore {
  keyByIdCalls = 0;
  constructor(readonly inner: PersonalDataKeyStore) {}
  keyFor = (t: string, s: string) => this.inner.keyFor(t, s);
  keyIdOf = (t: string, s: string) => this.inner.keyIdOf(t, s);
  keyById = (id: string) => {
    this.keyByIdCalls += 1;
    return this.inner.keyById(id);
  };
  destroy = (id: string) => this.inner.destroy(id);
  close = () => this.inner.close();
}

personalDataKeyStoreContract('sqlite behind the key cache', async () => ({
  keys: new CachedKeyStore(SqliteKeyStore.open({ file: ':memory:' }), { maxEntries: 100, maxAgeMs: 60_000 }),
}));

describe('CachedKeyStore', () => {
  let now: number;
  let counted: CountingKeyStore;
  let keys: CachedKeyStore;
  const cache = (maxEntries = 100, maxAgeMs = 60_000) => new CachedKeyStore(counted, { maxEntries, maxAgeMs }, () => now);

  beforeEach(() => {
    now = 1_000_000;
    counted = new CountingKeyStore(SqliteKeyStore.open({ file: ':memory:' }));
    keys = cache();
  });
  afterEach(() => keys.close());

  it('answers a key it read from memory, without asking the store again', async () => {
    const ann = await keys.keyFor('acme', 'ann');
    expect(await keys.keyById(ann.keyId)).toEqual(ann.key);
    expect(await keys.keyById(ann.keyId)).toEqual(ann.key);
    expect(await keys.keyById(ann.keyId)).toEqual(ann.key);
    expect(counted.keyByIdCalls).toBe(1);
  });

  it('forgets a key destroyed through it at once', async () => {
    const ann = await keys.keyFor('acme', 'ann');
    await keys.keyById(ann.keyId);
    expect(await keys.destroy(ann.keyId)).toBe(true);
    expect(await keys.keyById(ann.keyId)).toBeUndefined();
    expect(counted.keyByIdCalls).toBe(2);
  });

  it('keeps "destroyed" too: an erased person is read from memory as well', async () => {
    const ann = await keys.keyFor('acme', 'ann');
    await keys.destroy(ann.keyId);
    expect(await keys.keyById(ann.keyId)).toBeUndefined();
    expect(await keys.keyById(ann.keyId)).toBeUndefined();
    expect(counted.keyByIdCalls).toBe(1);
  });

  it('asks the store again once an entry is older than the bound: a key destroyed elsewhere is seen then', async () => {
    const ann = await keys.keyFor('acme', 'ann');
    await keys.keyById(ann.keyId);
    await counted.inner.destroy(ann.keyId); // another replica erases ann
    now += 60_000;
    expect(await keys.keyById(ann.keyId)).toEqual(ann.key); // still within the bound
    now += 1;
    expect(await keys.keyById(ann.keyId)).toBeUndefined();
    expect(counted.keyByIdCalls).toBe(2);
  });

  it('keeps at most maxEntries keys, dropping the least recently used', async () => {
    keys = cache(2);
    const [a, b, c] = (await Promise.all(['ann', 'bob', 'cy'].map((p) => keys.keyFor('acme', p)))).map((k) => k.keyId) as [string, string, string];
    for (const id of [a, b, a, c]) await keys.keyById(id);
    expect(keys.size).toBe(2);
    expect(counted.keyByIdCalls).toBe(3);
    await keys.keyById(a); // kept: used after b
    expect(counted.keyByIdCalls).toBe(3);
    await keys.keyById(b); // dropped
    expect(counted.keyByIdCalls).toBe(4);
  });

  it('does not keep a key read while it was being destroyed', async () => {
    const ann = await keys.keyFor('acme', 'ann');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowRead = counted.keyById;
    counted.keyById = async (id) => {
      const key = await slowRead(id);
      await held;
      return key;
    };
    const reading = keys.keyById(ann.keyId);
    await keys.destroy(ann.keyId);
    release();
    expect(await reading).toEqual(ann.key); // read before the key was gone
    counted.keyById = slowRead;
    expect(await keys.keyById(ann.keyId)).toBeUndefined();
  });

  it('is left out when no entries are allowed', () => {
    expect(withKeyCache(counted, { maxEntries: 0, maxAgeMs: 1000 })).toBe(counted);
    expect(withKeyCache(counted, undefined)).toBe(counted);
    expect(withKeyCache(counted, { maxEntries: 1, maxAgeMs: 1000 })).toBeInstanceOf(CachedKeyStore);
  });

  it('lets a protected store open a stream of one person with one key-store lookup', async () => {
    const store = new ProtectedEventStore(SqliteEventStore.open({ file: ':memory:' }), keys);
    const meta: EventMetadata = { tenantId: 'acme', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-01T09:00:00.000Z' };
    const events = Array.from({ length: 20 }, (_, i) => ({
      id: uuidv7(),
      type: 'CheckInRecorded',
      data: { checkInId: `ci${i}`, keyResultId: 'kr1', objectiveId: 'o1', value: i, confidence: 3, note: `note ${i}`, effectiveAt: '2026-10-01', recordedAt: meta.occurredAt },
      metadata: meta,
    }));
    await store.append('checkins-kr1', events, 'no_stream');
    const read = await collect(store.readStream('checkins-kr1'));
    expect(read.map((e) => e.data)).toEqual(events.map((e) => e.data));
    expect(counted.keyByIdCalls).toBe(1);
    await store.close();
  });
});
