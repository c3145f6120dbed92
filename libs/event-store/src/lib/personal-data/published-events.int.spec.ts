import { ERASED_PERSON, type EventEnvelope } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { collect } from '../../testing/event-store.contract';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { ProtectedEventStore, publishedEvents } from './protected-event-store';
import { SqliteKeyStore } from './sqlite-key-store';

/** A test-only v2 of `ObjectiveReworded` whose step derives a fact from the personal `reason`'s words. */
jest.mock('@okr/okr-domain', () => {
  const actual = jest.requireActual<typeof import('@okr/okr-domain')>('@okr/okr-domain');
  const isIt = (type: string) => type === 'ObjectiveReworded' || type === 'KeyResultDropped';
  const latestSchemaVersion = (type: string) => (isIt(type) ? 2 : actual.latestSchemaVersion(type));
  const upcast = <E extends EventEnvelope>(event: E): E => {
    if (!isIt(event.type) || event.schemaVersion !== 1) return actual.upcast(event);
    if (event.type === 'KeyResultDropped') {
      // Renames its personal field without a catalogue entry for the new name.
      const { reason, ...rest } = event.data as { reason: string };
      return { ...event, schemaVersion: 2, data: { ...rest, why: reason } };
    }
    const { reason } = event.data as { reason: string };
    return { ...event, schemaVersion: 2, data: { ...(event.data as object), reasonWords: reason.split(' ').length } };
  };
  return { ...actual, latestSchemaVersion, upcast };
});

describe('what the relay publishes: lifted from opened values, sealed again under the same keys', () => {
  let store: ProtectedEventStore;

  beforeEach(async () => {
    store = new ProtectedEventStore(SqliteEventStore.open({ file: ':memory:' }), SqliteKeyStore.open({ file: ':memory:' }));
    const metadata = { tenantId: 'acme', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-01T09:00:00.000Z' };
    await store.append('objective-o1', [{ id: uuidv7(), type: 'ObjectiveReworded', schemaVersion: 1, data: { objectiveId: 'o1', reason: 'Ann moved to sales' }, metadata }], 'no_stream');
  });
  afterEach(() => store.close());

  const published = async () => {
    const abort = new AbortController();
    for await (const event of publishedEvents(store).subscribe({ signal: abort.signal })) {
      abort.abort();
      return event;
    }
    return undefined;
  };

  it('carries the latest version sealed, which the platform opens to the plain values', async () => {
    const event = await published();
    const annKey = await store.keys.keyIdOf('acme', 'ann');
    expect(event).toMatchObject({ schemaVersion: 2, data: { objectiveId: 'o1', reasonWords: 4, reason: expect.stringContaining(`pd1.${annKey}.`) } });
    expect(JSON.stringify(event)).not.toMatch(/Ann moved|"ann"/);
    expect((await store.protection.open(event as EventEnvelope)).data).toEqual({ objectiveId: 'o1', reason: 'Ann moved to sales', reasonWords: 4 });
    expect((await collect(publishedEvents(store).readAll()))[0]).toMatchObject({ schemaVersion: 2, data: { reasonWords: 4 } });
  });

  it('never lets a renamed personal field out in clear', async () => {
    const metadata = { tenantId: 'acme', actor: 'bob', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-02T09:00:00.000Z' };
    await store.append('objective-o2', [{ id: uuidv7(), type: 'KeyResultDropped', schemaVersion: 1, data: { objectiveId: 'o2', keyResultId: 'k', reason: 'Bob gave up' }, metadata }], 'no_stream');
    const [, dropped] = await collect(publishedEvents(store).readAll());
    expect(dropped).toMatchObject({ schemaVersion: 2, data: { keyResultId: 'k', why: expect.stringMatching(/^pd1\./) } });
    expect((await store.protection.open(dropped as EventEnvelope)).data).toMatchObject({ why: 'Bob gave up' });
  });

  it('after the erasure, never seals under a key created since: the value is erased', async () => {
    await store.keys.destroy((await store.keys.keyIdOf('acme', 'ann')) as string);
    await store.keys.keyFor('acme', 'ann');
    const event = await published();
    expect(event?.metadata.actor).toBe(ERASED_PERSON);
    expect(event?.data).toEqual({ objectiveId: 'o1', reason: ERASED_PERSON, reasonWords: 2 });
  });
});
