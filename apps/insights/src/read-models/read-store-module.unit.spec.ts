import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformConfig } from '@okr/platform';
import { EmbeddedReadStore, embeddedReadStoreFile, openReadStore } from '@okr/read-store';

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
});
