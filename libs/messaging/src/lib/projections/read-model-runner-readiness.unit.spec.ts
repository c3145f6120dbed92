import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedReadStore } from '@okr/read-store';
import type { ConsumerOptions, IntegrationEventConsumer, RunningConsumer } from '../messaging.port';
import { countedModel } from './catch-up.fixture';
import { ReadModelRunner } from './read-model-runner';

/** A consumer whose `start` resolves when the test says, and whose groups are caught up when it says. */
function controlledConsumer() {
  const pending: Array<() => void> = [];
  const caughtUp = new Set<string>();
  const started: string[] = [];
  const failures: Error[] = [];
  const consumer = {
    start: (options: ConsumerOptions) => {
      const failure = failures.shift();
      if (failure) return Promise.reject(failure);
      return new Promise<RunningConsumer>((resolve) =>
        pending.push(() => {
          started.push(options.group);
          resolve({ stop: async () => undefined });
        }),
      );
    },
    reset: jest.fn(),
    caughtUp: async (group: string) => caughtUp.has(group),
    lag: async () => [],
    listGroups: async () => [],
    deleteIdleGroups: async () => ({ deleted: [], kept: [] }),
    close: async () => undefined,
  } satisfies IntegrationEventConsumer;
  /** Resolves once the runner asked to start a consumer (it binds its groups first, in the background). */
  const startAsked = async (): Promise<void> => {
    while (pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return { consumer, pending, caughtUp, started, failures, startAsked };
}

describe('ReadModelRunner readiness', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('returns from bootstrap before its consumers have started, and says what it waits for until the new read model caught up', async () => {
    const { consumer, pending, caughtUp, startAsked } = controlledConsumer();
    const runner = new ReadModelRunner(consumer, store, { service: 'test', topics: ['t'], models: [countedModel] });
    await runner.onApplicationBootstrap();
    expect(await runner.readiness()).toEqual({ ready: false, reason: 'read-model consumers starting' });

    await startAsked();
    expect(await runner.readiness()).toEqual({ ready: false, reason: 'read-model consumers starting' });
    pending.shift()?.();
    await runner.started();
    expect(await runner.readiness()).toEqual({ ready: false, reason: 'catching up: read model counted is reading the log from its start' });

    caughtUp.add(runner.groupOf(countedModel));
    expect(await runner.readiness()).toEqual({ ready: true });
    // Once caught up it stays ready: ordinary lag does not take a replica out of service.
    caughtUp.clear();
    expect(await runner.readiness()).toEqual({ ready: true });
    await runner.onModuleDestroy();
  });

  it('says which read models catch up from the start of the log, and tells its listeners once when one has caught up, whether or not readiness is probed', async () => {
    const { consumer, pending, caughtUp, startAsked } = controlledConsumer();
    const runner = new ReadModelRunner(consumer, store, { service: 'test', topics: ['t'], models: [countedModel] });
    const told: string[] = [];
    runner.onCaughtUp((model) => told.push(model.name));
    await runner.onApplicationBootstrap();
    await startAsked();
    pending.shift()?.();
    await runner.started();
    expect(runner.isCatchingUp('counted')).toBe(true);
    expect(told).toEqual([]);

    // Nobody probes readiness: the runner finds out by itself.
    caughtUp.add(runner.groupOf(countedModel));
    while (runner.isCatchingUp('counted')) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(told).toEqual(['counted']);
    expect(await runner.readiness()).toEqual({ ready: true });
    caughtUp.clear();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(runner.isCatchingUp('counted')).toBe(false);
    expect(told).toEqual(['counted']);
    await runner.onModuleDestroy();
  });

  it('is ready once started when its store already holds the read model (a replica joining a shared store)', async () => {
    await new ReadModelRunner(controlledConsumer().consumer, store, { service: 'test', topics: ['t'], models: [countedModel] }).apply(countedModel, {
      id: 'e1',
      type: 'Counted',
      streamId: 'counter-1',
      revision: 0,
      position: 0,
      metadata: { tenantId: 'tenant-a' },
    } as never);
    const { consumer, pending, startAsked } = controlledConsumer();
    const runner = new ReadModelRunner(consumer, store, { service: 'test', topics: ['t'], models: [countedModel] });
    await runner.onApplicationBootstrap();
    await startAsked();
    expect(runner.groupOf(countedModel)).toBe('test.counted');
    pending.shift()?.();
    await runner.started();
    expect(await runner.readiness()).toEqual({ ready: true });
    expect(runner.isCatchingUp('counted')).toBe(false);
    await runner.onModuleDestroy();
  });

  describe('on a read store that loads its documents in the background', () => {
    let dir: string;
    let loading: EmbeddedReadStore;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'okr-runner-loading-'));
      const file = join(dir, 'read.db');
      // A store that already holds the read model, as a restarted service finds it.
      const written = EmbeddedReadStore.open({ file });
      const runner = new ReadModelRunner(controlledConsumer().consumer, written, { service: 'test', topics: ['t'], models: [countedModel] });
      for (let revision = 0; revision < 3_000; revision++) {
        await runner.apply(countedModel, { id: `e${revision}`, type: 'Counted', streamId: `counter-${revision}`, revision: 0, position: revision, metadata: { tenantId: 'tenant-a' } } as never);
      }
      await written.close();
      // One chunk of rows per slice: the load takes several turns of the event loop.
      loading = EmbeddedReadStore.open({ file, loadInBackground: true, loadSliceMs: 0 });
    });
    afterEach(async () => {
      await loading.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('returns from bootstrap while the documents load, is not ready until they have and its consumers run, and binds the group the store records', async () => {
      const { consumer, pending, startAsked } = controlledConsumer();
      const runner = new ReadModelRunner(consumer, loading, { service: 'test', topics: ['t'], models: [countedModel] });
      await runner.onApplicationBootstrap();
      expect(loading.loadingProgress()).toBeDefined();
      expect(await runner.readiness()).toEqual({ ready: false, reason: 'read-model consumers starting' });
      expect(() => runner.groupOf(countedModel)).toThrow(/known once the runner has started/);

      await startAsked();
      expect(loading.loadingProgress()).toBeUndefined();
      pending.shift()?.();
      await runner.started();
      // The store held the model: the group it records, and nothing to catch up.
      expect(runner.groupOf(countedModel)).toBe('test.counted');
      expect(await runner.readiness()).toEqual({ ready: true });
      await runner.onModuleDestroy();
    });

    it('stops at once while the documents still load, and starts no consumer after', async () => {
      const { consumer, pending } = controlledConsumer();
      const runner = new ReadModelRunner(consumer, loading, { service: 'test', topics: ['t'], models: [countedModel] });
      await runner.onApplicationBootstrap();
      await runner.onModuleDestroy();
      expect(loading.loadingProgress()).toBeDefined();
      await loading.loaded();
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(pending).toEqual([]);
    });
  });

  it('says why it is not ready when its consumers cannot start, and stops retrying when the service stops', async () => {
    const { consumer, failures } = controlledConsumer();
    failures.push(new Error('broker unreachable'));
    const runner = new ReadModelRunner(consumer, store, { service: 'test', topics: ['t'], models: [countedModel] });
    await runner.onApplicationBootstrap();
    // The first attempt fails at once; the retry waits for its backoff.
    for (let i = 0; i < 10 && (await runner.readiness()).ready === false; i++) await Promise.resolve();
    expect(await runner.readiness()).toEqual({
      ready: false,
      reason: 'read-model consumers could not start (retrying): broker unreachable',
    });
    await runner.onModuleDestroy();
  });

  it('waits for a read model to have caught up for at most the time it is given, and says whether it has', async () => {
    const { consumer, pending, caughtUp, startAsked } = controlledConsumer();
    const asked: string[] = [];
    const counting = { ...consumer, caughtUp: async (group: string) => (asked.push(group), caughtUp.has(group)) };
    const runner = new ReadModelRunner(counting, store, { service: 'test', topics: ['t'], models: [countedModel] });
    // Before its groups are bound, the runner cannot say: not caught up.
    expect(await runner.hasCaughtUp(countedModel)).toBe(false);
    await runner.onApplicationBootstrap();
    await startAsked();
    pending.shift()?.();
    await runner.started();

    expect(await runner.caughtUpWithin(countedModel, 0)).toBe(false);
    const before = asked.length;
    const waiting = runner.caughtUpWithin(countedModel, 60_000);
    // It asks again until the group has caught up, then answers at once.
    while (asked.length < before + 2) await new Promise((resolve) => setTimeout(resolve, 5));
    caughtUp.add(runner.groupOf(countedModel));
    expect(await waiting).toBe(true);
    expect(await runner.hasCaughtUp(countedModel)).toBe(true);
    await runner.onModuleDestroy();
  });
});
