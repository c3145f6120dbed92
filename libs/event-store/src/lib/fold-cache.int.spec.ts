import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { EventStore, ReadStreamOptions } from './event-store.port';
import { loadAggregate } from './command-handler';
import { enableFoldCache, FoldCache, foldCacheOf } from './fold-cache';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** A decider that remembers every value in order: a wrong or doubled fold shows at once. */
type Seen = { values: number[] };
type Added = { type: 'Added'; data: { n: number } };
const decider = {
  initialState: (): Seen => ({ values: [] }),
  evolve: (state: Seen, event: Added): Seen => ({ values: [...state.values, event.data.n] }),
};
const meta = (tenantId = 'acme') => ({ tenantId, actor: 'ana', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() });
const added = (n: number, tenantId?: string) => ({ id: uuidv7(), type: 'Added', data: { n }, metadata: meta(tenantId) });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('loadAggregate with the fold cache', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: ReadStreamOptions[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'okr-fold-cache-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    reads = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId: string, options?: ReadStreamOptions) => {
      reads.push(options ?? {});
      return readStream(streamId, options);
    };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds only what was appended since, and answers what a whole fold answers', async () => {
    enableFoldCache(store, { maxEntries: 10, maxAgeMs: 60_000 });
    await store.append('counter-1', range(0, 50).map((n) => added(n)), 'no_stream');
    const first = await loadAggregate(store, 'counter-1', decider, 'acme');
    await store.append('counter-1', range(50, 53).map((n) => added(n)), 49);
    const second = await loadAggregate(store, 'counter-1', decider, 'acme');

    expect(reads).toEqual([{}, { fromRevision: 50 }]);
    expect(first.state.values).toEqual(range(0, 50));
    expect(second.state.values).toEqual(range(0, 53));
    expect(second.revision).toBe(52);
    expect(second.last?.data).toEqual({ n: 52 });
    // The same answer as a store without a cache.
    const plain = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    try {
      expect(await loadAggregate(plain, 'counter-1', decider, 'acme')).toEqual(second);
    } finally {
      await plain.close();
    }
  });

  it('sees what another process appended (it reads the tail, it does not trust its copy)', async () => {
    enableFoldCache(store, { maxEntries: 10, maxAgeMs: 60_000 });
    await store.append('counter-1', [added(1)], 'no_stream');
    await loadAggregate(store, 'counter-1', decider, 'acme');
    const other = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    await other.append('counter-1', [added(2)], 0);
    await other.close();
    expect((await loadAggregate(store, 'counter-1', decider, 'acme')).state.values).toEqual([1, 2]);
  });

  it("answers 'no stream' to another tenant, even from a kept fold", async () => {
    enableFoldCache(store, { maxEntries: 10, maxAgeMs: 60_000 });
    await store.append('counter-1', [added(1)], 'no_stream');
    await loadAggregate(store, 'counter-1', decider, 'acme');
    expect(await loadAggregate(store, 'counter-1', decider, 'globex')).toEqual({ state: { values: [] }, revision: 'no_stream', importedOnly: true });
  });

  it('folds whole again once a kept fold is older than maxAge, and as-of reads never use it', async () => {
    let now = 0;
    const cache = new FoldCache({ maxEntries: 10, maxAgeMs: 1000 }, () => now);
    cache.set('counter-1', { evolve: decider.evolve, tenantId: 'acme', state: { values: [] }, revision: 0, last: {} as never, importedOnly: false });
    now = 1001;
    expect(cache.get('counter-1', decider.evolve)).toBeUndefined();

    enableFoldCache(store, { maxEntries: 10, maxAgeMs: 60_000 });
    await store.append('counter-1', [added(1)], 'no_stream');
    await loadAggregate(store, 'counter-1', decider, 'acme');
    reads = [];
    await loadAggregate(store, 'counter-1', decider, 'acme', new Date(Date.now() + 1000));
    expect(reads).toEqual([{ until: expect.any(Date) }]);
  });

  it('keeps the most recently used streams up to maxEntries, one fold per decider', async () => {
    const cache = enableFoldCache(store, { maxEntries: 2, maxAgeMs: 60_000 }) as FoldCache;
    for (const id of ['a', 'b', 'c']) await store.append(`counter-${id}`, [added(1)], 'no_stream');
    await loadAggregate(store, 'counter-a', decider, 'acme');
    await loadAggregate(store, 'counter-b', decider, 'acme');
    await loadAggregate(store, 'counter-a', decider, 'acme'); // a is now the most recent
    await loadAggregate(store, 'counter-c', decider, 'acme'); // b goes
    expect(cache.size).toBe(2);
    expect(cache.get('counter-b', decider.evolve)).toBeUndefined();
    expect(cache.get('counter-a', decider.evolve)).toBeDefined();
    // Another decider folding the same stream does not take this one's fold.
    const doubled = { ...decider, evolve: (state: Seen, event: Added): Seen => ({ values: [...state.values, event.data.n * 2] }) };
    expect((await loadAggregate(store, 'counter-a', doubled, 'acme')).state.values).toEqual([2]);
  });

  it('is off unless enabled, and off with maxEntries 0', async () => {
    const plain: EventStore = SqliteEventStore.open({ file: join(dir, 'plain.sqlite') });
    expect(foldCacheOf(plain)).toBeUndefined();
    expect(enableFoldCache(plain, { maxEntries: 0, maxAgeMs: 1000 })).toBeUndefined();
    expect(foldCacheOf(plain)).toBeUndefined();
    await plain.close();
  });
});
