import { randomUUID } from 'node:crypto';
import type { AggregateSnapshot, SnapshotStore } from '../lib/snapshots/snapshot-store.port';

/** The contract every `SnapshotStore` adapter passes. */
export function snapshotStoreContract(name: string, factory: () => Promise<{ snapshots: SnapshotStore; cleanup?: () => Promise<void> }>): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    let snapshots: SnapshotStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ snapshots, cleanup } = await factory());
    });
    afterAll(async () => {
      await snapshots.close();
      await cleanup?.();
    });

    const snapshot = (streamId: string, revision: number, maxOccurredAt: string, over: Partial<AggregateSnapshot> = {}): AggregateSnapshot => ({
      streamId,
      tenantId: 't1',
      shape: 'shape-v1',
      revision,
      maxOccurredAt,
      chunkMinOccurredAt: maxOccurredAt,
      erasureEpoch: -1,
      importedOnly: false,
      last: { id: `e${revision}`, type: 'Happened', schemaVersion: 1, streamId, revision, position: revision, data: {}, metadata: { tenantId: 't1', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: maxOccurredAt } },
      state: { n: revision, nested: { list: [1, 2, 3], text: 'ann wrote this' } },
      ...over,
    });

    it('gives back the snapshot with the highest revision taken at or before the instant, exactly as kept', async () => {
      const stream = `objective-${randomUUID()}`;
      for (const [revision, at] of [[99, '2026-10-01T00:00:00.000Z'], [199, '2026-10-02T00:00:00.000Z'], [299, '2026-10-03T00:00:00.000Z']] as const) {
        await snapshots.save(snapshot(stream, revision, at));
      }
      expect(await snapshots.nearest(stream, 'shape-v1', new Date('2026-09-30T00:00:00Z'))).toBeUndefined();
      expect(await snapshots.nearest(stream, 'shape-v1', new Date('2026-10-02T00:00:00.000Z'))).toEqual(snapshot(stream, 199, '2026-10-02T00:00:00.000Z'));
      expect((await snapshots.nearest(stream, 'shape-v1', new Date('2026-12-01T00:00:00Z')))?.revision).toBe(299);
    });

    it('never answers with a snapshot of another shape or another stream', async () => {
      const stream = `objective-${randomUUID()}`;
      await snapshots.save(snapshot(stream, 9, '2026-10-01T00:00:00.000Z'));
      expect(await snapshots.nearest(stream, 'shape-v2', new Date('2026-12-01T00:00:00Z'))).toBeUndefined();
      expect(await snapshots.nearest(`objective-${randomUUID()}`, 'shape-v1', new Date('2026-12-01T00:00:00Z'))).toBeUndefined();
    });

    it('replaces a snapshot kept again at the same revision', async () => {
      const stream = `objective-${randomUUID()}`;
      await snapshots.save(snapshot(stream, 9, '2026-10-01T00:00:00.000Z'));
      await snapshots.save(snapshot(stream, 9, '2026-10-01T00:00:00.000Z', { erasureEpoch: 3 }));
      expect((await snapshots.nearest(stream, 'shape-v1', new Date('2026-12-01T00:00:00Z')))?.erasureEpoch).toBe(3);
    });

    it("drops a stream's snapshots, and every snapshot of a tenant", async () => {
      const [a, b, c] = [`objective-${randomUUID()}`, `objective-${randomUUID()}`, `objective-${randomUUID()}`];
      const tenant = `t-${randomUUID()}`;
      await snapshots.save(snapshot(a, 9, '2026-10-01T00:00:00.000Z', { tenantId: tenant }));
      await snapshots.save(snapshot(b, 9, '2026-10-01T00:00:00.000Z', { tenantId: tenant }));
      await snapshots.save(snapshot(c, 9, '2026-10-01T00:00:00.000Z'));
      const later = new Date('2026-12-01T00:00:00Z');
      await snapshots.deleteStream(a);
      expect(await snapshots.nearest(a, 'shape-v1', later)).toBeUndefined();
      expect(await snapshots.nearest(b, 'shape-v1', later)).toBeDefined();
      await snapshots.deleteTenant(tenant);
      expect(await snapshots.nearest(b, 'shape-v1', later)).toBeUndefined();
      expect(await snapshots.nearest(c, 'shape-v1', later)).toBeDefined();
    });
  
    it('tells an as-of read which revisions may hold events at or before its instant: the chunks whose earliest event is, and what no snapshot covers', async () => {
      const stream = `objective-${randomUUID()}`;
      const chunks = [[9, '2026-10-01T00:00:00.000Z'], [19, '2026-10-02T00:00:00.000Z'], [29, '2026-10-03T00:00:00.000Z'], [39, '2026-10-04T00:00:00.000Z']] as const;
      for (const [revision, at] of chunks) await snapshots.save(snapshot(stream, revision, at));
      const span = (after: number, until: string, shape = 'shape-v1', id = stream) => snapshots.span(id, shape, after, new Date(until));
      expect(await span(9, '2026-10-02T12:00:00.000Z')).toEqual({ through: 19, coveredTo: 39 });
      expect(await span(19, '2026-10-02T12:00:00.000Z')).toEqual({ through: 19, coveredTo: 39 });
      expect(await span(-1, '2026-09-30T00:00:00.000Z')).toEqual({ through: -1, coveredTo: 39 });
      expect(await span(-1, '2026-10-01T00:00:00.000Z')).toEqual({ through: 9, coveredTo: 39 });
      expect(await span(39, '2026-12-01T00:00:00.000Z')).toEqual({ through: 39, coveredTo: 39 });
      expect(await span(-1, '2026-12-01T00:00:00.000Z', 'shape-v2')).toEqual({ through: -1, coveredTo: -1 });
      expect(await span(-1, '2026-12-01T00:00:00.000Z', 'shape-v1', `objective-${randomUUID()}`)).toEqual({ through: -1, coveredTo: -1 });
      // An event written with an earlier clock (another replica's) in a later chunk: that chunk is read too.
      await snapshots.save(snapshot(stream, 49, '2026-10-05T00:00:00.000Z', { chunkMinOccurredAt: '2026-10-02T06:00:00.000Z' }));
      expect(await span(9, '2026-10-02T12:00:00.000Z')).toEqual({ through: 49, coveredTo: 49 });
      expect(await span(9, '2026-10-02T00:00:00.000Z')).toEqual({ through: 19, coveredTo: 49 });
    });
  });
}
