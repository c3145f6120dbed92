import { objectiveDecider, type ObjectiveState } from '@okr/okr-domain';
import { v7 as uuidv7 } from 'uuid';
import { handleCommand, loadAggregate } from '../command-handler';
import type { EventStore } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { enableFoldCache } from '../fold-cache';
import { enableSnapshots, snapshotsSettled } from './snapshot-fold';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

const TENANT = 't';
const at = (minute: number): Date => new Date(Date.UTC(2026, 9, 1, 9, minute));

/** The store, counting the events it hands out of one stream. */
function counting(store: EventStore, streamId: string): { store: EventStore; read: () => number } {
  let read = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return async function* (id: string, options?: Parameters<EventStore['readStream']>[1]) {
          for await (const event of target.readStream(id, options)) {
            if (id === streamId) read += 1;
            yield event;
          }
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, read: () => read };
}

/** The store, noting how each read of one stream was asked (from which revision, how many, up to when). */
function noting(store: EventStore, streamId: string): { store: EventStore; reads: Parameters<EventStore['readStream']>[1][] } {
  const reads: Parameters<EventStore['readStream']>[1][] = [];
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return (id: string, options?: Parameters<EventStore['readStream']>[1]) => {
          if (id === streamId) reads.push(options);
          return target.readStream(id, options);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

/** An objective of 3 + `handOvers` events, one a minute from minute 0 (`minuteOf` moves some). */
async function objective(store: EventStore, handOvers: number, minuteOf: (revision: number) => number = (revision) => revision): Promise<string> {
  const id = uuidv7();
  const stream = `objective-${id}`;
  const context = (minute: number) => ({ tenantId: TENANT, actor: 'ann', correlationId: uuidv7(), now: at(minute) });
  await handleCommand(store, stream, objectiveDecider, { type: 'SetObjective', data: { objectiveId: id, cycleId: 'q4', teamId: 'growth', ownerId: 'ann', title: 'Customers succeed' } }, context(0));
  await handleCommand(store, stream, objectiveDecider, { type: 'AddKeyResult', data: { keyResultId: uuidv7(), title: 'Activation', measure: { kind: 'increase', start: 0, target: 10 } } }, context(1));
  await handleCommand(store, stream, objectiveDecider, { type: 'ActivateObjective', data: {} }, context(2));
  for (let i = 0; i < handOvers; i++) await handleCommand(store, stream, objectiveDecider, { type: 'TransferOwnership', data: { newOwnerId: `owner-${i}` } }, context(minuteOf(3 + i)));
  return stream;
}

describe('as-of reads from aggregate snapshots', () => {
  let events: SqliteEventStore;
  let snapshots: SqliteSnapshotStore;
  let stream: string;
  beforeEach(async () => {
    events = SqliteEventStore.open({ file: ':memory:' });
    snapshots = SqliteSnapshotStore.open({ file: ':memory:' });
    stream = await objective(events, 57); // 60 events, revisions 0..59 at minutes 0..59
  });
  afterEach(async () => {
    await snapshots.close();
    await events.close();
  });

  const plainAsOf = (minute: number) => loadAggregate(events, stream, objectiveDecider, TENANT, at(minute));

  it('answers every instant as the fold from the start does, and then folds only from the nearest snapshot', async () => {
    const { store, read } = counting(events, stream);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT, at(59))).toEqual(await plainAsOf(59));
    expect(read()).toBe(60); // the first read folds the whole stream and keeps snapshots at 9, 19, … 59
    for (const minute of [0, 8, 9, 10, 33, 58, 59, 120]) {
      const before = read();
      expect(await loadAggregate(store, stream, objectiveDecider, TENANT, at(minute))).toEqual(await plainAsOf(minute));
      expect(read() - before).toBeLessThanOrEqual(10);
    }
    expect((await loadAggregate(store, stream, objectiveDecider, 'other-tenant', at(59))).revision).toBe('no_stream');
  });

  it('never asks the store to walk the stream past the chunk that holds the instant: only that chunk, then what no snapshot covers', async () => {
    const { store, reads } = noting(events, stream);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    await loadAggregate(store, stream, objectiveDecider, TENANT, at(59)); // keeps snapshots at 9, 19, … 59
    await handleCommand(events, stream, objectiveDecider, { type: 'TransferOwnership', data: { newOwnerId: 'late' } }, { tenantId: TENANT, actor: 'ann', correlationId: uuidv7(), now: at(60) });
    reads.length = 0;
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT, at(33))).toEqual(await plainAsOf(33));
    // From the snapshot at 29: the chunk 30..39 whole, then from 60 (after the last snapshot) up to the instant.
    expect(reads).toEqual([{ fromRevision: 30, maxCount: 10 }, { until: at(33), fromRevision: 60 }]);
    reads.length = 0;
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT, at(60))).toEqual(await plainAsOf(60));
    expect(reads).toEqual([{ until: at(60), fromRevision: 60 }]);
  });

  it('answers as the fold from the start does when a later event was written with an earlier clock (another replica)', async () => {
    // Revision 45 happened at minute 5 by its writer's clock; everything else a minute per revision.
    const skewed = await objective(events, 57, (revision) => (revision === 45 ? 5 : revision));
    const { store, reads } = noting(events, skewed);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    const plain = (minute: number) => loadAggregate(events, skewed, objectiveDecider, TENANT, at(minute));
    expect(await loadAggregate(store, skewed, objectiveDecider, TENANT, at(59))).toEqual(await plain(59));
    for (const minute of [4, 5, 6, 33, 44, 45, 46, 58]) {
      reads.length = 0;
      const loaded = await loadAggregate(store, skewed, objectiveDecider, TENANT, at(minute));
      expect(loaded).toEqual(await plain(minute));
      expect(loaded.revision).toBe(minute < 5 || minute > 45 ? minute : 45);
    }
  });

  it('never uses a snapshot of another state shape', async () => {
    const { store, read } = counting(events, stream);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    await loadAggregate(store, stream, objectiveDecider, TENANT, at(59));
    const reshaped = { ...objectiveDecider, stateVersion: 'objective-state-v2' };
    const before = read();
    expect((await loadAggregate(store, stream, reshaped, TENANT, at(59))).state).toEqual((await plainAsOf(59)).state);
    expect(read() - before).toBe(60);
    // A snapshot whose state differs from what the fold gives would show here: the state comes from the snapshot.
    const fromSnapshot = (await loadAggregate(store, stream, objectiveDecider, TENANT, at(59))).state as ObjectiveState;
    expect(fromSnapshot).toEqual((await plainAsOf(59)).state);
  });

  describe('personal data: snapshots never outlive an erasure', () => {
    const erase = (store: EventStore, occurredAt: Date) =>
      store.append(`erasure-${TENANT}`, [{ id: uuidv7(), type: 'PersonalDataErased', data: { erasureId: uuidv7(), keyId: 'k1', reason: 'asked', erasedAt: occurredAt.toISOString() }, metadata: { tenantId: TENANT, actor: 'admin', correlationId: 'c', causationId: 'c', occurredAt: occurredAt.toISOString() } }], 'any');

    it("asks the log for the tenant's erasures once per key cache age, not on every read", async () => {
      const { store, reads } = noting(events, `erasure-${TENANT}`);
      enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
      await loadAggregate(store, stream, objectiveDecider, TENANT, at(59)); // reads them, keeps snapshots, reads them again
      const kept = reads.length;
      for (const minute of [12, 33, 59]) await loadAggregate(store, stream, objectiveDecider, TENANT, at(minute));
      expect(kept).toBe(2);
      expect(reads.length).toBe(kept);
    });

    it('a snapshot taken before an erasure is never used and is dropped when met', async () => {
      const { store, read } = counting(events, stream);
      enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 0 });
      await loadAggregate(store, stream, objectiveDecider, TENANT, at(59));
      await erase(events, new Date(Date.now() - 1000));
      const before = read();
      await loadAggregate(store, stream, objectiveDecider, TENANT, at(59));
      expect(read() - before).toBe(60);
      // The snapshots it met were dropped; the fold kept new ones under the new erasure count.
      expect((await snapshots.nearest(stream, 'objective-state-v1', at(59)))?.erasureEpoch).toBe(0);
    });

    it('a fold within the key cache age after an erasure keeps no snapshot (another replica may still open her data)', async () => {
      enableSnapshots(events, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
      await erase(events, new Date());
      await loadAggregate(events, stream, objectiveDecider, TENANT, at(59));
      expect(await snapshots.nearest(stream, 'objective-state-v1', at(59))).toBeUndefined();
    });

    it('a snapshot kept while an erasure was recorded is dropped at once', async () => {
      let erased = false;
      const racing = new Proxy(snapshots, {
        get(target, property) {
          if (property === 'save') {
            return async (...args: Parameters<SqliteSnapshotStore['save']>) => {
              // The erasure is recorded (and its deleteTenant runs) between the fold's read of the erasures and this save.
              if (!erased) {
                erased = true;
                await erase(events, new Date(Date.now() - 120_000));
                await target.deleteTenant(TENANT);
              }
              return target.save(...args);
            };
          }
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      enableSnapshots(events, racing, { every: 10, keyCacheMaxAgeMs: 60_000 });
      await loadAggregate(events, stream, objectiveDecider, TENANT, at(59));
      expect(erased).toBe(true);
      expect(await snapshots.nearest(stream, 'objective-state-v1', at(59))).toBeUndefined();
    });
  });
});

describe('current loads and commands after a restart (no fold cached): from the latest snapshot', () => {
  let events: SqliteEventStore;
  let snapshots: SqliteSnapshotStore;
  beforeEach(() => {
    events = SqliteEventStore.open({ file: ':memory:' });
    snapshots = SqliteSnapshotStore.open({ file: ':memory:' });
  });
  afterEach(async () => {
    await snapshotsSettled(events);
    await snapshots.close();
    await events.close();
  });

  /** The stream folded from its first event, by hand (the store under test may have snapshots on). */
  const plainNow = async (stream: string, decider: Pick<typeof objectiveDecider, 'evolve' | 'initialState'> = objectiveDecider) => {
    let state = decider.initialState();
    let last: Awaited<ReturnType<typeof loadAggregate>>['last'];
    for await (const event of events.readStream(stream)) {
      state = decider.evolve(state, event as unknown as Parameters<typeof objectiveDecider.evolve>[1]);
      last = event;
    }
    return { state, revision: last ? last.revision : 'no_stream', ...(last ? { last } : {}), importedOnly: false };
  };
  const command = (store: EventStore, stream: string, owner: string) =>
    handleCommand(store, stream, objectiveDecider, { type: 'TransferOwnership', data: { newOwnerId: owner } }, { tenantId: TENANT, actor: 'ann', correlationId: uuidv7(), now: at(61) });

  it('without snapshots, the first command after a restart folds the whole stream (what commands kept snapshots for)', async () => {
    const stream = await objective(events, 57); // 60 events
    const { store, read } = counting(events, stream);
    enableFoldCache(store, { maxEntries: 10, maxAgeMs: 60_000 }); // a restarted process: nothing folded yet
    await command(store, stream, 'zed');
    expect(read()).toBe(60);
  });

  it("commands keep a snapshot each time they cross the interval, so a restarted process's first command and load read only the events after the latest", async () => {
    enableSnapshots(events, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    const stream = await objective(events, 57); // 60 events, written one command at a time
    await snapshotsSettled(events);
    expect((await snapshots.nearest(stream, 'objective-state-v1', at(120)))?.revision).toBe(59);
    await command(events, stream, 'x1'); // revision 60
    await command(events, stream, 'x2'); // revision 61
    await snapshotsSettled(events);
    expect((await snapshots.nearest(stream, 'objective-state-v1', at(120)))?.revision).toBe(59);

    // A restarted process: the same files, nothing folded.
    const { store, read } = counting(events, stream);
    enableFoldCache(store, { maxEntries: 10, maxAgeMs: 60_000 });
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    const loaded = await loadAggregate(store, stream, objectiveDecider, TENANT);
    expect(loaded).toEqual(await plainNow(stream));
    expect(read()).toBe(2); // 60 and 61, after the snapshot at 59
    const before = read();
    await command(store, stream, 'x3'); // from the fold now cached
    expect(read() - before).toBe(0);
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT)).toEqual(await plainNow(stream));
    expect((await loadAggregate(store, stream, objectiveDecider, 'other-tenant')).revision).toBe('no_stream');
  });

  it('a cold load of a stream without snapshots folds it whole once and keeps its snapshots after answering', async () => {
    const stream = await objective(events, 57);
    const { store, read } = counting(events, stream);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT)).toEqual(await plainNow(stream));
    expect(read()).toBe(60);
    await snapshotsSettled(store);
    expect((await snapshots.nearest(stream, 'objective-state-v1', at(120)))?.revision).toBe(59);
    const before = read();
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT)).toEqual(await plainNow(stream));
    expect(read() - before).toBe(0);
  });

  it("a changed evolve (a new stateVersion) never starts from the old shape's snapshots: it folds the stream whole and keeps its own", async () => {
    enableSnapshots(events, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    const stream = await objective(events, 57);
    await snapshotsSettled(events);
    // The new evolve folds differently: a snapshot of the old shape would show in its answer.
    const reshaped = {
      ...objectiveDecider,
      stateVersion: 'objective-state-v2',
      evolve: (state: ObjectiveState, event: Parameters<typeof objectiveDecider.evolve>[1]): ObjectiveState => {
        const next = objectiveDecider.evolve(state, event);
        return next.status === 'empty' ? next : { ...next, title: `${next.title}!` };
      },
    };
    const { store, read } = counting(events, stream);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 60_000 });
    const expected = await plainNow(stream, reshaped);
    expect(await loadAggregate(store, stream, reshaped, TENANT)).toEqual(expected);
    expect(read()).toBe(60);
    await snapshotsSettled(store);
    expect((await snapshots.nearest(stream, 'objective-state-v2', at(120)))?.state).toEqual(expected.state);
    const before = read();
    expect(await loadAggregate(store, stream, reshaped, TENANT)).toEqual(expected);
    expect(read() - before).toBe(0);
    // The old shape's snapshots still answer the old evolve.
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT)).toEqual(await plainNow(stream));
    expect(read() - before).toBe(0);
  });

  it('a snapshot taken before an erasure is not used by a current load either', async () => {
    enableSnapshots(events, snapshots, { every: 10, keyCacheMaxAgeMs: 0 });
    const stream = await objective(events, 57);
    await snapshotsSettled(events);
    await events.append(`erasure-${TENANT}`, [{ id: uuidv7(), type: 'PersonalDataErased', data: { erasureId: uuidv7(), keyId: 'k1', reason: 'asked', erasedAt: new Date(Date.now() - 1000).toISOString() }, metadata: { tenantId: TENANT, actor: 'admin', correlationId: 'c', causationId: 'c', occurredAt: new Date(Date.now() - 1000).toISOString() } }], 'any');
    const { store, read } = counting(events, stream);
    enableSnapshots(store, snapshots, { every: 10, keyCacheMaxAgeMs: 0 });
    expect(await loadAggregate(store, stream, objectiveDecider, TENANT)).toEqual(await plainNow(stream));
    expect(read()).toBe(60);
  });
});
