import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../lib/event-store.port';
import { verifyChain } from '../lib/event-chain';

/** An objective's ownership transfer as schema version 1 stored it (`from` / `to`). */
const transferV1 = (): NewEvent => ({
  id: randomUUID(),
  type: 'ObjectiveOwnershipTransferred',
  schemaVersion: 1,
  data: { objectiveId: 'o-1', from: 'user-ann', to: 'user-bo', reason: 'Ann moved team' },
  metadata: { tenantId: 'tenant-a', actor: 'user-ann', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
});

const V2_DATA = { objectiveId: 'o-1', fromOwnerId: 'user-ann', toOwnerId: 'user-bo', reason: 'Ann moved team' };

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

/**
 * Part of the event store contract: events stored in an older schema version are read in the latest
 * by every read (stream, global log, subscription), and exactly as stored by `asStored` reads (those
 * three too), whose
 * chain still verifies. `store` is called once the suite's store exists.
 */
export function upcastingContract(store: () => EventStore): void {
  describe('schema versions', () => {
    const category = `c${randomUUID().replaceAll('-', '')}`;
    const streamId = `${category}-${randomUUID()}`;
    let stored: NewEvent;

    beforeAll(async () => {
      stored = transferV1();
      await store().append(streamId, [stored], 'no_stream');
    });

    it('reads a v1 event stored raw as the latest version, from a stream, the log and a subscription', async () => {
      const expected = { id: stored.id, type: 'ObjectiveOwnershipTransferred', schemaVersion: 2, data: V2_DATA, metadata: stored.metadata };
      expect(await collect(store().readStream(streamId))).toEqual([expect.objectContaining(expected)]);
      expect(await collect(store().readStream(streamId, { direction: 'backwards' }))).toEqual([expect.objectContaining(expected)]);
      expect(await collect(store().readAll({ categories: [category] }))).toEqual([expect.objectContaining(expected)]);
      const controller = new AbortController();
      for await (const event of store().subscribe({ categories: [category], signal: controller.signal })) {
        expect(event).toMatchObject(expected);
        controller.abort();
      }
    });

    it('keeps the stored bytes: asStored reads give v1 as written, and its chain verifies', async () => {
      const [raw] = await collect(store().readStream(streamId, { asStored: true }));
      expect(raw).toMatchObject({ id: stored.id, schemaVersion: 1, data: stored.data });
      expect(await collect(store().readAll({ categories: [category], asStored: true }))).toEqual([raw]);
      const controller = new AbortController();
      for await (const event of store().subscribe({ categories: [category], signal: controller.signal, asStored: true })) {
        expect(event).toEqual(raw);
        controller.abort();
      }
      expect(await verifyChain(streamId, store().readStream(streamId, { asStored: true }))).toMatchObject({ events: 1, intact: true });
    });

    it('stores the latest version of a type when the writer names none', async () => {
      const stream = `${category}-${randomUUID()}`;
      const { schemaVersion: _omitted, ...event } = { ...transferV1(), data: V2_DATA };
      await store().append(stream, [event], 'no_stream');
      const [raw] = await collect(store().readStream(stream, { asStored: true }));
      expect(raw).toMatchObject({ schemaVersion: 2, data: V2_DATA });
    });
  });
}
