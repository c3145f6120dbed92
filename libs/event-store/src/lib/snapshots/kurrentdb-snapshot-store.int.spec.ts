import { snapshotStoreContract } from '../../testing/snapshot-store.contract';
import { connectKurrentDbSnapshotStore } from './kurrentdb-snapshot-streams';

/**
 * The SnapshotStore contract against a live KurrentDB / EventStoreDB (e.g. from `docker compose up`):
 * `EVENTSTORE_URL=kurrentdb://localhost:2113?tls=false`. There is no server on the development
 * machines; the store's own logic runs on in-memory streams in kurrentdb-snapshot-store.spec.ts, and
 * without the variable this suite says it skipped.
 */
const url = process.env['EVENTSTORE_URL'];

if (url) {
  snapshotStoreContract('KurrentDbSnapshotStore', async () => ({ snapshots: await connectKurrentDbSnapshotStore(url) }));
} else {
  console.warn('KurrentDB snapshot store contract suite skipped: EVENTSTORE_URL is not set');
  describe.skip('KurrentDbSnapshotStore (SnapshotStore contract; skipped: EVENTSTORE_URL is not set)', () => {
    it('runs the contract against a live server', () => undefined);
  });
}
