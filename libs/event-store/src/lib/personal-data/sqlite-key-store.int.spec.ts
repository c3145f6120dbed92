import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personalDataKeyStoreContract } from '../../testing/key-store.contract';
import { SqliteKeyStore } from './sqlite-key-store';

personalDataKeyStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okr-keys-'));
  const file = join(dir, 'personal-data-keys.sqlite');
  return {
    keys: SqliteKeyStore.open({ file }),
    another: async () => SqliteKeyStore.open({ file }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
