import type { EventEnvelope } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { collect } from '../../testing/event-store.contract';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { ProtectedEventStore } from './protected-event-store';
import { SqliteKeyStore } from './sqlite-key-store';

/**
 * A test-only v1 -> v2 step of `ObjectiveReworded` that renames its personal field (`reason` -> `why`)
 * and derives a fact from its words: on a sealed value it would count one word, and a value moved
 * under a name the catalogue no longer has would be sealed under a field it cannot name.
 */
jest.mock('@okr/okr-domain', () => {
  const actual = jest.requireActual<typeof import('@okr/okr-domain')>('@okr/okr-domain');
  const upcast = <E extends EventEnvelope>(event: E): E => {
    if (event.type !== 'ObjectiveReworded' || event.schemaVersion !== 1) return actual.upcast(event);
    const { reason, ...rest } = event.data as { reason: string };
    return { ...event, schemaVersion: 2, data: { ...rest, why: reason, whyWords: reason.split(' ').length } };
  };
  return { ...actual, upcast };
});

describe('reads open the stored shape, then upcast', () => {
  let store: ProtectedEventStore;
  const expected = { objectiveId: 'o1', why: 'Ann moved to sales', whyWords: 4 };

  beforeEach(async () => {
    store = new ProtectedEventStore(SqliteEventStore.open({ file: ':memory:' }), SqliteKeyStore.open({ file: ':memory:' }));
    const metadata = { tenantId: 'acme', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-01T09:00:00.000Z' };
    await store.append('objective-o1', [{ id: uuidv7(), type: 'ObjectiveReworded', schemaVersion: 1, data: { objectiveId: 'o1', reason: 'Ann moved to sales' }, metadata }], 'no_stream');
  });
  afterEach(() => store.close());

  it('on stream and log reads', async () => {
    const [stored] = await collect(store.readStream('objective-o1', { asStored: true }));
    expect(stored?.data).toEqual({ objectiveId: 'o1', reason: expect.stringMatching(/^pd1\./) });
    expect((await collect(store.readStream('objective-o1')))[0]).toMatchObject({ schemaVersion: 2, data: expected });
    expect((await collect(store.readAll()))[0]).toMatchObject({ schemaVersion: 2, data: expected });
  });

  it('on subscriptions (what the embedded bus and its consumers read)', async () => {
    const abort = new AbortController();
    const seen: EventEnvelope[] = [];
    for await (const event of store.subscribe({ signal: abort.signal })) {
      seen.push(event);
      abort.abort();
    }
    expect(seen[0]).toMatchObject({ schemaVersion: 2, data: expected, metadata: { actor: 'ann' } });
  });

  it('an asStored subscription hands the sealed stored shape over', async () => {
    const abort = new AbortController();
    for await (const event of store.subscribe({ signal: abort.signal, asStored: true })) {
      expect(event).toMatchObject({ schemaVersion: 1, data: { reason: expect.stringMatching(/^pd1\./) } });
      abort.abort();
    }
  });
});
