import { EmbeddedReadStore } from '@okr/read-store';
import type { IntegrationEvent } from '../integration-event';
import type { IntegrationEventConsumer } from '../messaging.port';
import { countedModel } from './catch-up.fixture';
import type { ReadModel } from './read-model';
import { ReadModelRunner } from './read-model-runner';

const unused = {} as IntegrationEventConsumer;

const counted = (n: number, streamId = 'counter-a'): IntegrationEvent => ({
  id: `e${n}`,
  type: 'Counted',
  schemaVersion: 1,
  streamId,
  key: streamId,
  revision: n,
  position: n,
  data: { n },
  metadata: { tenantId: 'tenant-a', actor: 'writer', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-03T00:00:00.000Z' },
});

/** Counts the event loop's turns while `work` runs (a setImmediate chain, as a waiting request would be served). */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  return { result, turns };
}

describe('ReadModelRunner slices a batch into transactions of a time budget', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('with a budget of 0, one event per transaction and a turn of the event loop between them; still exactly once', async () => {
    const runner = new ReadModelRunner(unused, store, { service: 'test', topics: [], models: [countedModel], sliceMs: 0 });
    const batch = Array.from({ length: 40 }, (_, i) => counted(i, i % 2 === 0 ? 'counter-a' : 'counter-b'));
    const parts: number[] = [];
    const { result, turns } = await turnsDuring(() => runner.applyBatch(countedModel, batch, async (applied) => void parts.push(applied.length)));
    expect(result.map((event) => event.id)).toEqual(batch.map((event) => event.id));
    expect(parts).toEqual(batch.map(() => 1));
    expect(turns).toBeGreaterThanOrEqual(39);

    // The whole batch again (a redelivery after a crash before the checkpoint): nothing is applied twice.
    expect(await runner.applyBatch(countedModel, batch)).toEqual([]);
    const documents = await store.collection({ name: countedModel.name });
    expect(await documents.count()).toBe(40);
    expect(await documents.count({ applied: { $ne: 1 } })).toBe(0);
  });

  it('a batch within the budget is one transaction', async () => {
    const runner = new ReadModelRunner(unused, store, { service: 'test', topics: [], models: [countedModel], sliceMs: 60_000 });
    const parts: number[] = [];
    await runner.applyBatch(countedModel, [counted(0), counted(1), counted(2)], async (applied) => void parts.push(applied.length));
    expect(parts).toEqual([3]);
  });

  it("two models' batches take turns slice by slice: no turn of the event loop runs two slices", async () => {
    // Each slice after a batch's first waits for the process's next turn (nextTurn), as every consumer
    // member's batch does: with a plain setImmediate each, both models' continuations ran in the same
    // check phase, and 8 read models catching up held a request for 8 slices.
    const other: ReadModel = { ...countedModel, name: 'counted-too' };
    const runner = new ReadModelRunner(unused, store, { service: 'test', topics: [], models: [countedModel, other], sliceMs: 0 });
    const batch = Array.from({ length: 20 }, (_, i) => counted(i));
    const perTurn: number[] = [0];
    let running = true;
    const tick = (): void => {
      if (!running) return;
      perTurn.push(0);
      setImmediate(tick);
    };
    setImmediate(tick);
    const slice = async (): Promise<void> => void (perTurn[perTurn.length - 1] += 1);
    // Both batches start in the same turn, as two consumers handed their batches at once would.
    const [a, b] = await Promise.all([runner.applyBatch(countedModel, batch, slice), runner.applyBatch(other, batch, slice)]);
    running = false;
    expect(a).toHaveLength(20);
    expect(b).toHaveLength(20);
    expect(perTurn.reduce((sum, n) => sum + n, 0)).toBe(40);
    // The first turn holds both batches' first slices; every later turn at most one slice.
    expect(Math.max(...perTurn.slice(1))).toBe(1);
  });
});
