import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotStoreContract } from '../../testing/snapshot-store.contract';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

snapshotStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okr-snapshots-'));
  return { snapshots: SqliteSnapshotStore.open({ file: join(dir, 'aggregate-snapshots.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
