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
  return { consumer, pending, caughtUp, started, failures };
}

describe('ReadModelRunner readiness', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('returns from bootstrap before its consumers have started, and says what it waits for until the new read model caught up', async () => {
    const { consumer, pending, caughtUp } = controlledConsumer();
    const runner = new ReadModelRunner(consumer, store, { service: 'test', topics: ['t'], models: [countedModel] });
    await runner.onApplicationBootstrap();
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

  it('is ready once started when its store already holds the read model (a replica joining a shared store)', async () => {
    await new ReadModelRunner(controlledConsumer().consumer, store, { service: 'test', topics: ['t'], models: [countedModel] }).apply(countedModel, {
      id: 'e1',
      type: 'Counted',
      streamId: 'counter-1',
      revision: 0,
      position: 0,
      metadata: { tenantId: 'tenant-a' },
    } as never);
    const { consumer, pending } = controlledConsumer();
    const runner = new ReadModelRunner(consumer, store, { service: 'test', topics: ['t'], models: [countedModel] });
    await runner.onApplicationBootstrap();
    expect(runner.groupOf(countedModel)).toBe('test.counted');
    pending.shift()?.();
    await runner.started();
    expect(await runner.readiness()).toEqual({ ready: true });
    await runner.onModuleDestroy();
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
});
