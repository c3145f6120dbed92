import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics, type PlatformConfig } from '@okr/platform';
import { EmbeddedReadStore, ReadStoreModule, embeddedReadStoreFile, openReadStore } from '@okr/read-store';

describe('openReadStore (ReadStoreModule)', () => {
  it('opens the embedded store in {OKR_DATA_DIR}/{service}.read.sqlite unless OKR_READ_STORE=mongodb', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okr-read-store-module-'));
    try {
      const config = { OKR_DATA_DIR: dir, OKR_READ_STORE: 'embedded' } as PlatformConfig;
      const store = await openReadStore(config, 'insights');
      expect(store).toBeInstanceOf(EmbeddedReadStore);
      expect(embeddedReadStoreFile(config, 'insights')).toBe(join(dir, 'insights.read.sqlite'));
      expect(existsSync(join(dir, 'insights.read.sqlite'))).toBe(true);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sizes the embedded cache from OKR_READ_STORE_CACHE_MB and reports it on /metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okr-read-store-module-'));
    try {
      const config = { OKR_DATA_DIR: dir, OKR_READ_STORE: 'embedded', OKR_READ_STORE_CACHE_MB: 3 } as PlatformConfig;
      const store = (await openReadStore(config, 'insights')) as EmbeddedReadStore;
      const collection = await store.collection({ name: 'docs' });
      await collection.updateOne({ _id: 'a' }, { $set: { text: 'x'.repeat(100) } }, { upsert: true });
      const metrics = new Metrics('insights');
      new ReadStoreModule(store, metrics);
      const scrape = await metrics.registry.metrics();
      expect(scrape).toContain(`okr_read_store_cache_bytes{state="budget",service="insights"} ${3 * 2 ** 20}`);
      expect(scrape).toMatch(/okr_read_store_cache_bytes\{state="used",service="insights"\} 1\d\d\n/);
      expect(scrape).toContain('okr_read_store_cache_file_reads{service="insights"} 0');
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
