import { v7 as uuidv7 } from 'uuid';
import { LeaseLostError, type RelayStateStore } from './relay-state.port';

/** The one contract every {@link RelayStateStore} passes. `open` may be called several times (replicas). */
export function relayStateContract(name: string, open: () => Promise<RelayStateStore>, cleanup?: () => Promise<void>): void {
  describe(`RelayStateStore contract: ${name}`, () => {
    let a: RelayStateStore;
    let b: RelayStateStore;
    let relay: string;
    beforeEach(async () => {
      a = await open();
      b = await open();
      relay = `test-${uuidv7()}`;
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });
    afterAll(async () => cleanup?.());

    it('gives the lease to one owner at a time, and lets the holder renew it', async () => {
      expect(await a.tryAcquire(relay, 'one', 5_000)).toBe(true);
      expect(await b.tryAcquire(relay, 'two', 5_000)).toBe(false);
      expect(await a.tryAcquire(relay, 'one', 5_000)).toBe(true);
      expect(await b.tryAcquire(relay, 'two', 5_000)).toBe(false);
    });

    it('lets another owner take an expired lease, and the old holder then loses it', async () => {
      expect(await a.tryAcquire(relay, 'one', 30)).toBe(true);
      await new Promise((r) => setTimeout(r, 60));
      expect(await b.tryAcquire(relay, 'two', 5_000)).toBe(true);
      expect(await a.tryAcquire(relay, 'one', 5_000)).toBe(false);
      await expect(a.saveCheckpoint(relay, 'one', 10)).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('hands a released lease over at once', async () => {
      expect(await a.tryAcquire(relay, 'one', 60_000)).toBe(true);
      await a.release(relay, 'one');
      expect(await b.tryAcquire(relay, 'two', 60_000)).toBe(true);
    });

    it('keeps the checkpoint across instances, starting at -1', async () => {
      expect(await a.checkpoint(relay)).toBe(-1);
      expect(await a.tryAcquire(relay, 'one', 5_000)).toBe(true);
      await a.saveCheckpoint(relay, 'one', 41);
      await a.saveCheckpoint(relay, 'one', 42);
      expect(await b.checkpoint(relay)).toBe(42);
      const c = await open();
      expect(await c.checkpoint(relay)).toBe(42);
      await c.close();
    });

    it('refuses a checkpoint from an owner without the lease', async () => {
      expect(await a.tryAcquire(relay, 'one', 5_000)).toBe(true);
      await expect(b.saveCheckpoint(relay, 'two', 7)).rejects.toBeInstanceOf(LeaseLostError);
      expect(await a.checkpoint(relay)).toBe(-1);
    });
  });
}
