import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleBroken, type Decider } from '@okr/okr-domain';
import { collect } from '../testing/event-store.contract';
import { AppendBatch, runInAppendBatch } from './append-batch';
import { handleCommand, loadAggregate, type CommandContext } from './command-handler';
import { enableFoldCache, foldCacheOf } from './fold-cache';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** A counter that refuses to go past its limit: the second command of an item can fail after the first appended. */
type Count = { n: number };
type Add = { type: 'Add'; data: { by: number }; metadata: { now: string } };
type Added = { type: 'Added'; data: { by: number } };
const counter: Decider<Count, Add, Added> = {
  initialState: () => ({ n: 0 }),
  evolve: (state, event) => ({ n: state.n + event.data.by }),
  decide: (command, state) => {
    if (state.n + command.data.by > 3) throw ruleBroken('over-limit', 'Past the limit.', {});
    return [{ type: 'Added', data: { by: command.data.by } }];
  },
};
const context: CommandContext = { tenantId: 'acme', actor: 'ana', correlationId: 'import-1', importedAt: new Date().toISOString() };
const add = (store: SqliteEventStore, streamId: string, by = 1) => handleCommand(store, streamId, counter, { type: 'Add', data: { by } }, context);

describe('AppendBatch: an import request committed in one transaction', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-append-batch-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (streamId: string) => (await collect(store.readStream(streamId))).map((e) => e.revision);

  it('decides each command on what the batch holds, writes nothing until the commit, then all of it at once', async () => {
    await add(store, 'count-a');
    const batch = new AppendBatch(store);
    const seen = await runInAppendBatch(batch, async () => {
      await add(store, 'count-a');
      await add(store, 'count-b');
      const second = await add(store, 'count-a');
      return { revision: second.revision, state: (await loadAggregate(store, 'count-a', counter, 'acme')).state };
    });

    expect(seen).toEqual({ revision: 2, state: { n: 3 } });
    expect(await stored('count-a')).toEqual([0]);
    expect(await stored('count-b')).toEqual([]);

    await batch.commit();
    expect(await stored('count-a')).toEqual([0, 1, 2]);
    expect(await stored('count-b')).toEqual([0]);
    expect((await loadAggregate(store, 'count-a', counter, 'acme')).state).toEqual({ n: 3 });
  });

  it('drops what a failing item appended (its first command included) and commits the items before it', async () => {
    const batch = new AppendBatch(store);
    const ran: string[] = [];
    await runInAppendBatch(batch, async () => {
      await add(store, 'count-a', 2);
      ran.push('item 0');
      const mark = batch.mark();
      batch.afterCommit(async () => void ran.push('task of item 1'));
      try {
        await add(store, 'count-b', 1); // the failing item's first command appends...
        await add(store, 'count-a', 2); // ...and its second is refused
      } catch {
        batch.rollbackTo(mark);
      }
      // A later item decides on the state without the dropped appends.
      expect((await loadAggregate(store, 'count-b', counter, 'acme')).revision).toBe('no_stream');
    });
    await batch.commit();

    expect(await stored('count-a')).toEqual([0]);
    expect(await stored('count-b')).toEqual([]);
    expect(ran).toEqual(['item 0']);
  });

  it('keeps folds of held events out of the store’s fold cache, so a batch that never commits leaves no trace', async () => {
    enableFoldCache(store, { maxEntries: 100, maxAgeMs: 60_000 });
    await add(store, 'count-a');
    await runInAppendBatch(new AppendBatch(store), async () => {
      await add(store, 'count-a');
      await add(store, 'count-a');
    });
    // The batch is dropped (the process would have died): the store and its cache know one event.
    expect(foldCacheOf(store)?.get<Count>('count-a', counter.evolve)?.revision ?? 0).toBe(0);
    expect(await add(store, 'count-a')).toMatchObject({ revision: 1, state: { n: 2 } });
  });

  it('starts from the store’s committed folds and hands its own to the store once committed', async () => {
    enableFoldCache(store, { maxEntries: 100, maxAgeMs: 60_000 });
    await add(store, 'count-a');
    await loadAggregate(store, 'count-a', counter, 'acme'); // the store's cache holds revision 0
    const reads: (number | undefined)[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId, options) => {
      reads.push(options?.fromRevision);
      return readStream(streamId, options);
    };
    const batch = new AppendBatch(store);
    await runInAppendBatch(batch, async () => {
      await add(store, 'count-a');
      await add(store, 'count-a');
    });
    expect(reads).toEqual([1, 1]); // from the store's fold, never the whole stream again
    await batch.commit();
    expect(foldCacheOf(store)?.get<Count>('count-a', counter.evolve)).toMatchObject({ revision: 1, state: { n: 2 } });
    expect(await add(store, 'count-a', 0)).toMatchObject({ revision: 3, state: { n: 3 } });
  });

  it('commits nothing when a stream moved under it meanwhile (a concurrent writer), and says so', async () => {
    await add(store, 'count-a');
    const batch = new AppendBatch(store);
    await runInAppendBatch(batch, async () => {
      await add(store, 'count-b');
      await add(store, 'count-a');
    });
    await add(store, 'count-a'); // outside the batch
    await expect(batch.commit()).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', streamId: 'count-a' });
    expect(await stored('count-b')).toEqual([]);
    expect(await stored('count-a')).toEqual([0, 1]);
  });
});
