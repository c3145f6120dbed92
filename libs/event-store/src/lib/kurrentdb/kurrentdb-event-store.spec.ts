import { eventStoreContract } from '../../testing/event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/**
 * Runs the shared contract against a live KurrentDB / EventStoreDB (e.g. from `docker compose up`):
 * `EVENTSTORE_URL=kurrentdb://localhost:2113?tls=false`. There is no server on the development
 * machines, and a faked one would prove nothing, so without the variable the suite says it skipped.
 */
const url = process.env['EVENTSTORE_URL'];

if (url) {
  eventStoreContract('KurrentDbEventStore', async () => ({
    store: KurrentDbEventStore.connect({ connectionString: url }),
    appendManyNotAtomic: 'KurrentDB appends the parts one after another (see KurrentDbEventStore.appendMany)',
  }));
} else {
  console.warn('KurrentDB contract suite skipped: EVENTSTORE_URL is not set');
  describe.skip('KurrentDbEventStore (EventStore contract; skipped: EVENTSTORE_URL is not set)', () => {
    it('runs the contract against a live server', () => undefined);
  });
}
