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
  });
}
