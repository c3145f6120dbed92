import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { CollectionDefinition } from './read-store.port';
import { EmbeddedReadStore } from './embedded/embedded-read-store';
import { ReadStoreReadiness } from './read-store.module';

const SUMMARIES: CollectionDefinition = { name: 'summaries', indexes: [{ fields: { teamId: 1 } }] };
const DOCUMENTS = 3_000;

/**
 * `/health/ready`'s `read-store` check says what an embedded store loading in the background is doing:
 * how far it has come while it loads, why it stopped when its load failed, up once loaded.
 */
describe('ReadStoreReadiness', () => {
  let dir: string;
  let file: string;
  const opened: EmbeddedReadStore[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'okr-read-readiness-'));
    file = join(dir, 'read.db');
    const writer = EmbeddedReadStore.open({ file });
    const summaries = await writer.collection(SUMMARIES);
    for (let from = 0; from < DOCUMENTS; from += 500) {
      await summaries.bulkWrite(Array.from({ length: 500 }, (_, i) => ({ insertOne: { document: { _id: `o${String(from + i).padStart(5, '0')}`, teamId: `t${i % 7}` } } })));
    }
    await writer.close();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const openInBackground = (): EmbeddedReadStore => {
    // One chunk of rows per slice: the load takes several turns of the event loop.
    const store = EmbeddedReadStore.open({ file, loadInBackground: true, loadSliceMs: 0 });
    opened.push(store);
    return store;
  };
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('is down while the documents load, saying how far the load has come, and up once they are loaded', async () => {
    const store = openInBackground();
    const readiness = new ReadStoreReadiness(store, new HealthIndicatorService());
    const reasons: string[] = [];
    while (store.loadingProgress() !== undefined) {
      const result = readiness.isReady();
      expect(result['read-store'].status).toBe('down');
      reasons.push(String(result['read-store']['message']));
      await turn();
    }
    expect(reasons.length).toBeGreaterThan(1);
    expect(reasons[0]).toBe('loading its documents: 0 % read');
    expect(reasons.some((reason) => /^loading its documents: [1-9]\d? % read$/.test(reason))).toBe(true);
    await store.loaded();
    expect(readiness.isReady()).toEqual({ 'read-store': { status: 'up' } });
  });

  it('stays down, saying why, once the load failed', async () => {
    const raw = new Database(file);
    raw.prepare("UPDATE read_docs SET doc = '{not json' WHERE id = 'o02999'").run();
    raw.close();
    const store = openInBackground();
    const readiness = new ReadStoreReadiness(store, new HealthIndicatorService());
    await expect(store.loaded()).rejects.toThrow(SyntaxError);
    const result = readiness.isReady();
    expect(result['read-store'].status).toBe('down');
    expect(result['read-store']['message']).toMatch(/^could not load its documents: .*JSON/);
  });

  it('is up at once on a store loaded when opened', async () => {
    const store = EmbeddedReadStore.open({ file });
    opened.push(store);
    expect(new ReadStoreReadiness(store, new HealthIndicatorService()).isReady()).toEqual({ 'read-store': { status: 'up' } });
  });
});
