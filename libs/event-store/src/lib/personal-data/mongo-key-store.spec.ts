import { openEventStore, openKeyStore } from '../open-event-store';

/**
 * Without a server only the failure path can be tried here; the contract suite
 * (`mongo-key-store.int.spec.ts`) covers everything that needs MongoDB, when MONGO_URL is set.
 */
describe('MongoKeyStore without a reachable server', () => {
  // Port 1 on the loopback: refused at once, so the driver gives up after its selection timeout.
  const unreachable = { kind: 'mongodb', url: 'mongodb://127.0.0.1:1/okr', serverSelectionTimeoutMS: 300 } as const;

  it('is what OKR_KEY_STORE=mongodb opens, and it fails to open rather than serving without keys', async () => {
    await expect(openKeyStore(unreachable)).rejects.toThrow(/127\.0\.0\.1:1|ECONNREFUSED|Server selection timed out/);
  });

  it('stops the event store from opening too (a service does not start without its keys)', async () => {
    await expect(openEventStore({ kind: 'sqlite', file: ':memory:', personalDataKeys: { ...unreachable, cache: { maxEntries: 10, maxAgeMs: 1000 } } })).rejects.toThrow();
  });
});
