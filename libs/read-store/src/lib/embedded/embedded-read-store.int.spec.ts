import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../../testing/read-store.contract';
import { EmbeddedReadStore } from './embedded-read-store';

const dir = mkdtempSync(join(tmpdir(), 'okr-read-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One file for the whole suite: the contract reopens it to simulate restarts.
readStoreContract('EmbeddedReadStore', async () => EmbeddedReadStore.open({ file: join(dir, 'data', 'read-store.db') }));
// The same with no document kept parsed: every read takes its row from the file (document-table.ts).
readStoreContract('EmbeddedReadStore, nothing cached', async () =>
  EmbeddedReadStore.open({ file: join(dir, 'uncached', 'read-store.db'), cacheBytes: 0 }),
);

describe('EmbeddedReadStore', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: join(dir, 'specific', 'read-store.db') });
  });
  afterEach(() => store.close());

  it('runs the work again when a write outside the transaction changed the same document meanwhile', async () => {
    const counters = await store.collection({ name: `conflict-${Date.now()}` });
    await counters.updateOne({ _id: 'c' }, { $set: { n: 0 } }, { upsert: true });
    let attempts = 0;
    await store.withTransaction(async (session) => {
      attempts += 1;
      await counters.updateOne({ _id: 'c' }, { $inc: { n: 10 } }, { session });
      if (attempts === 1) await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } });
    });
    expect(attempts).toBe(2);
    expect(await counters.findOne({ _id: 'c' })).toEqual({ _id: 'c', n: 11 });
  });

  it('refuses a session after its transaction ended', async () => {
    const collection = await store.collection({ name: `ended-${Date.now()}` });
    let leaked: Parameters<Parameters<EmbeddedReadStore['withTransaction']>[0]>[0] | undefined;
    await store.withTransaction(async (session) => {
      leaked = session;
    });
    await expect(collection.updateOne({ _id: 'a' }, { $set: { v: 1 } }, { upsert: true, session: leaked })).rejects.toThrow(/ended/);
    expect(await collection.count()).toBe(0);
  });
});
