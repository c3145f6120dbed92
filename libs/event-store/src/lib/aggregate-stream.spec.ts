import type { DomainEvent } from '@okr/okr-domain';
import { newEvent, uniqueStream } from '../testing/event-store.contract';
import { aggregateStream } from './aggregate-stream';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

type Counted = DomainEvent<'Added', { amount: number }>;
const evolve = (total: number, event: Counted): number => total + event.data.amount;
const initialState = (): number => 0;

describe('aggregateStream', () => {
  let store: SqliteEventStore;
  const streamId = uniqueStream('counter');

  beforeAll(async () => {
    store = SqliteEventStore.open({ file: ':memory:', pageSize: 2 });
    await store.append(
      streamId,
      [1, 2, 3, 4, 5].map((amount, day) => ({ ...newEvent('Added', { amount }, `2025-03-0${day + 1}T09:00:00.000Z`) })),
      'no_stream',
    );
  });

  afterAll(() => store.close());

  it('folds the whole stream across pages', async () => {
    expect(await aggregateStream(store, streamId, evolve, initialState)).toEqual({ state: 15, revision: 4, events: 5 });
  });

  it('folds as of an instant, or up to a revision', async () => {
    const asOf = await aggregateStream(store, streamId, evolve, initialState, { until: new Date('2025-03-02T23:59:59Z') });
    const upTo = await aggregateStream(store, streamId, evolve, initialState, { toRevision: 2 });

    expect(asOf).toEqual({ state: 3, revision: 1, events: 2 });
    expect(upTo).toEqual({ state: 6, revision: 2, events: 3 });
  });

  it('reports no_stream and the initial state for an absent stream', async () => {
    expect(await aggregateStream(store, uniqueStream('counter'), evolve, initialState)).toEqual({
      state: 0,
      revision: 'no_stream',
      events: 0,
    });
  });

  it('applies an upcaster before evolve', async () => {
    const doubled = await aggregateStream(store, streamId, evolve, initialState, {
      upcast: (event): Counted => ({ type: 'Added', data: { amount: 2 * (event.data['amount'] as number) } }),
    });

    expect(doubled.state).toBe(30);
  });
});
