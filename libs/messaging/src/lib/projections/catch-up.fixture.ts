import { randomUUID } from 'node:crypto';
import type { NewEvent, SqliteEventStore } from '@okr/event-store';
import type { ReadModel } from './read-model';

/** The topic of the catch-up tests and the category it follows. */
export const COUNTED_TOPIC = 'test.counted';
export const categoriesOf = (): readonly string[] => ['counter'];

/**
 * A read model that records each application of each event: one document per event with `applied`
 * incremented, so a second application of any event shows as `applied: 2`.
 */
export const countedModel: ReadModel = {
  name: 'counted',
  indexes: [{ fields: { streamId: 1 } }],
  handles: ['Counted'],
  reads: (event) => ({ streamId: event.streamId, revision: event.revision - 1 }),
  project: (event, current) => [
    {
      updateOne: {
        filter: { _id: event.id },
        update: { $inc: { applied: 1 }, $set: { streamId: event.streamId, revision: event.revision, previousSeen: current.length } },
        upsert: true,
      },
    },
  ],
};

/** Appends `total` Counted events over `streams` streams; resolves to the log's head position. */
export async function appendCounted(store: SqliteEventStore, total: number, streams: number): Promise<number> {
  const ids = Array.from({ length: streams }, () => `counter-${randomUUID()}`);
  const metadata = { tenantId: 'tenant-a', actor: 'writer', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-12-03T00:00:00.000Z' };
  for (let i = 0; i < total; i += 100) {
    const events: NewEvent[] = Array.from({ length: Math.min(100, total - i) }, (_, j) => ({ id: randomUUID(), type: 'Counted', data: { n: i + j }, metadata }));
    await store.append(ids[(i / 100) % streams], events, 'any');
  }
  return store.headPosition();
}
