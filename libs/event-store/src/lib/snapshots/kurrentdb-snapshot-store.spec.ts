import { randomUUID } from 'node:crypto';
import { objectiveDecider } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { handleCommand, loadAggregate } from '../command-handler';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { InMemorySnapshotStreams } from '../../testing/in-memory-snapshot-streams';
import { snapshotStoreContract } from '../../testing/snapshot-store.contract';
import { KurrentDbSnapshotStore, MAX_LATE, lateAfter, snapshotStreamOf, tenantSnapshotIndexOf, type SnapshotEventData } from './kurrentdb-snapshot-store';
import { enableSnapshots, snapshotsSettled } from './snapshot-fold';
import type { AggregateSnapshot } from './snapshot-store.port';

/*
 * The KurrentDB snapshot store's own logic (runs, binary search, drops) on KurrentDB's stream operations
 * held in memory. What the server does with them is proven only by the contract run against a live
 * KurrentDB (kurrentdb-snapshot-store.int.spec.ts, with EVENTSTORE_URL).
 */
snapshotStoreContract('KurrentDbSnapshotStore on in-memory streams (the logic; the server: EVENTSTORE_URL)', async () => ({
  snapshots: new KurrentDbSnapshotStore(new InMemorySnapshotStreams()),
}));

const minute = (m: number): string => new Date(Date.UTC(2026, 9, 1, 9, m)).toISOString();
const snapshot = (streamId: string, revision: number, over: Partial<AggregateSnapshot> = {}): AggregateSnapshot => ({
  streamId,
  tenantId: 't1',
  shape: 'shape-v1',
  revision,
  maxOccurredAt: minute(revision),
  chunkMinOccurredAt: minute(revision - 9),
  chunkFrom: revision - 9,
  erasureEpoch: -1,
  importedOnly: false,
  last: { id: `e${revision}`, type: 'Happened', schemaVersion: 1, streamId, revision, position: revision, data: {}, metadata: { tenantId: 't1', actor: 'ann', correlationId: 'c', causationId: 'c', occurredAt: minute(revision) } },
  state: { n: revision },
  ...over,
});

describe('KurrentDbSnapshotStore', () => {
  let streams: InMemorySnapshotStreams;
  let store: KurrentDbSnapshotStore;
  let stream: string;
  beforeEach(() => {
    streams = new InMemorySnapshotStreams();
    store = new KurrentDbSnapshotStore(streams);
    stream = `objective-${randomUUID()}`;
  });

  it('keeps an aggregate stream’s snapshots in a system stream beside it, and lists a tenant’s snapshot streams', async () => {
    expect(snapshotStreamOf('objective-1')).toBe('$snapshots-objective-1');
    expect(tenantSnapshotIndexOf('acme')).toBe('$snapshot-streams-acme');
    await store.save(snapshot(stream, 9, { chunkFrom: 0 }));
    expect(streams.scavenged(`$snapshots-${stream}`).map((event) => event.type)).toEqual(['AggregateSnapshot']);
    expect(streams.scavenged('$snapshot-streams-t1').map((event) => event.data)).toEqual([{ streamId: stream }]);
  });

  it('finds the snapshot for an instant in about log2(n) reads of one event, and the latest in one', async () => {
    for (let revision = 9; revision < 10_240; revision += 10) await store.save(snapshot(stream, revision, { chunkFrom: revision - 9 }));
    streams.reads.at = 0;
    streams.reads.last = 0;
    expect((await store.nearest(stream, 'shape-v1', new Date(minute(10_239))))?.revision).toBe(10_239);
    expect(streams.reads).toMatchObject({ at: 0, last: 1 });
    expect((await store.nearest(stream, 'shape-v1', new Date(minute(5_004))))?.revision).toBe(4_999);
    expect(streams.reads.at).toBeLessThanOrEqual(11);
    streams.reads.at = 0;
    expect(await store.span(stream, 'shape-v1', 4_999, new Date(minute(5_004)))).toEqual({ through: 5_009, coveredTo: 10_239 });
    expect(streams.reads.at).toBeLessThanOrEqual(12);
  });

  it('keeps only snapshots that continue the run from the stream’s start (no chunk left uncovered)', async () => {
    await store.save(snapshot(stream, 19, { chunkFrom: 10 })); // a fold from a snapshot at 9 that is no longer there
    expect(await store.nearest(stream, 'shape-v1', new Date(minute(100)))).toBeUndefined();
    await store.save(snapshot(stream, 9, { chunkFrom: 0 }));
    await store.save(snapshot(stream, 29, { chunkFrom: 20 })); // 10..19 would be covered by no snapshot
    expect((await store.nearest(stream, 'shape-v1', new Date(minute(100))))?.revision).toBe(9);
    await store.save(snapshot(stream, 19, { chunkFrom: 10 }));
    await store.save(snapshot(stream, 9, { chunkFrom: 0 })); // older than the head: already covered
    expect((await store.nearest(stream, 'shape-v1', new Date(minute(100))))?.revision).toBe(19);
    expect(streams.scavenged(`$snapshots-${stream}`)).toHaveLength(2);
  });

  it('a new shape starts a new run and the old shape’s snapshots are truncated away (scavenged)', async () => {
    await store.save(snapshot(stream, 9, { chunkFrom: 0 }));
    await store.save(snapshot(stream, 19, { chunkFrom: 10 }));
    await store.save(snapshot(stream, 9, { chunkFrom: 0, shape: 'shape-v2' }));
    expect(await store.nearest(stream, 'shape-v1', new Date(minute(100)))).toBeUndefined();
    expect((await store.nearest(stream, 'shape-v2', new Date(minute(100))))?.revision).toBe(9);
    expect(streams.scavenged(`$snapshots-${stream}`).map((event) => (event.data as SnapshotEventData).snapshot.shape)).toEqual(['shape-v2']);
  });

  it('dropping a stream’s or a tenant’s snapshots leaves nothing of their states to scavenge, and a new run starts after', async () => {
    const other = `objective-${randomUUID()}`;
    await store.save(snapshot(stream, 9, { chunkFrom: 0 }));
    await store.save(snapshot(other, 9, { chunkFrom: 0 }));
    await store.deleteTenant('t1');
    for (const id of [stream, other]) expect(streams.scavenged(`$snapshots-${id}`).map((event) => event.type)).toEqual(['SnapshotsDropped']);
    expect(streams.scavenged('$snapshot-streams-t1')).toEqual([]);
    await store.save(snapshot(stream, 9, { chunkFrom: 0 }));
    expect((await store.nearest(stream, 'shape-v1', new Date(minute(100))))?.revision).toBe(9);
    expect(streams.scavenged('$snapshot-streams-t1')).toHaveLength(1);
  });

  it('lists the chunks that start before their predecessor’s latest event, so span finds them without walking the run', () => {
    const at = (revision: number, max: number, chunkMin: number): AggregateSnapshot => snapshot('s', revision, { maxOccurredAt: minute(max), chunkMinOccurredAt: minute(chunkMin) });
    const first: SnapshotEventData = { snapshot: at(9, 9, 0), segmentStart: 0, late: [] };
    expect(lateAfter(first, at(19, 19, 10))).toEqual({ late: [] });
    expect(lateAfter(first, at(19, 19, 5))).toEqual({ late: [[19, Date.parse(minute(5))]] });
    // Replacing the head with an earlier chunk start lists it.
    expect(lateAfter(first, at(9, 9, -3))).toEqual({ late: [[9, Date.parse(minute(-3))]] });
    const full: SnapshotEventData = { ...first, late: Array.from({ length: MAX_LATE }, (_, i) => [i, 0] as [number, number]) };
    expect(lateAfter(full, at(19, 19, 5))).toEqual({ late: [], lateOverflow: true });
  });

  it('past MAX_LATE late chunks, span walks the run back and still answers exactly', async () => {
    // Every chunk holds an event from minute 0 (a writer whose clock stood still).
    for (let revision = 9; revision < 10 * (MAX_LATE + 5); revision += 10) await store.save(snapshot(stream, revision, { chunkFrom: revision - 9, chunkMinOccurredAt: minute(0) }));
    expect(await store.span(stream, 'shape-v1', 19, new Date(minute(0)))).toEqual({ through: 10 * (MAX_LATE + 5) - 1, coveredTo: 10 * (MAX_LATE + 5) - 1 });
  });
});

describe('as-of and current loads folding from KurrentDbSnapshotStore (in-memory streams)', () => {
  it('answer what the fold from the start answers, also with a writer whose clock was behind', async () => {
    const events = SqliteEventStore.open({ file: ':memory:' });
    const streams = new InMemorySnapshotStreams();
    const snapshots = new KurrentDbSnapshotStore(streams);
    try {
      enableSnapshots(events, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
      const id = uuidv7();
      const stream = `objective-${id}`;
      const at = (m: number) => new Date(Date.UTC(2026, 9, 1, 9, m));
      const context = (m: number) => ({ tenantId: 't', actor: 'ann', correlationId: uuidv7(), now: at(m) });
      await handleCommand(events, stream, objectiveDecider, { type: 'SetObjective', data: { objectiveId: id, cycleId: 'q4', teamId: 'growth', ownerId: 'ann', title: 'Customers succeed' } }, context(0));
      for (let revision = 1; revision < 80; revision += 1) {
        // Revision 45 was written by a replica whose clock said minute 5.
        await handleCommand(events, stream, objectiveDecider, { type: 'TransferOwnership', data: { newOwnerId: `owner-${revision}` } }, context(revision === 45 ? 5 : revision));
      }
      await snapshotsSettled(events);
      expect(streams.scavenged(`$snapshots-${stream}`)).toHaveLength(8); // 9, 19, … 79: kept by the commands
      const plain = SqliteEventStore.open({ file: ':memory:' });
      try {
        for await (const event of events.readStream(stream, { asStored: true })) await plain.append(stream, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata, schemaVersion: event.schemaVersion }], event.revision - 1 < 0 ? 'no_stream' : event.revision - 1);
        for (const m of [0, 4, 5, 6, 33, 44, 45, 46, 79, 120]) {
          expect(await loadAggregate(events, stream, objectiveDecider, 't', at(m))).toEqual(await loadAggregate(plain, stream, objectiveDecider, 't', at(m)));
        }
        expect(await loadAggregate(events, stream, objectiveDecider, 't')).toEqual(await loadAggregate(plain, stream, objectiveDecider, 't'));
      } finally {
        await plain.close();
      }
    } finally {
      await snapshotsSettled(events);
      await events.close();
    }
  });
});
