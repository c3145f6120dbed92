import type { EventEnvelope } from '@okr/okr-domain';
import type { EventStore } from '@okr/event-store';
import { EmbeddedReadStore } from '@okr/read-store';
import { APPLIED, appliedId, type ReadModel } from '@okr/messaging';
import { auditProjections, driftCount } from './projection-audit';

const envelope = (type: string, streamId: string, revision: number, position: number) =>
  ({ id: `${streamId}/${revision}`, type, streamId, revision, position, schemaVersion: 1, data: {}, metadata: {} }) as unknown as EventEnvelope;

const log = (events: EventEnvelope[]): EventStore =>
  ({
    async *readAll() {
      yield* events;
    },
  }) as unknown as EventStore;

const model = { name: 'm', handles: ['A'] } as unknown as ReadModel;

describe('auditProjections', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  const record = async (streamId: string, revision: number) =>
    (await store.collection({ name: APPLIED })).updateOne(
      { _id: appliedId('m', streamId) },
      { $set: { model: 'm', streamId, revision } },
      { upsert: true },
    );

  it('compares the last handled revision per stream with the applied record', async () => {
    const events = log([envelope('A', 's-1', 0, 0), envelope('B', 's-1', 1, 1), envelope('A', 's-2', 0, 2), envelope('A', 's-2', 1, 3)]);
    await record('s-1', 0);
    await record('s-2', 1);
    expect(await auditProjections(events, store, [model])).toEqual({ ok: true, readModels: [{ name: 'm', streams: 2, drift: [] }] });

    await record('s-2', 0); // an event skipped
    await record('s-9', 4); // a stream the log does not have
    const report = await auditProjections(events, store, [model]);
    expect(report.ok).toBe(false);
    expect(report.readModels[0].drift).toEqual([
      { streamId: 's-2', expected: 1, applied: 0 },
      { streamId: 's-9', expected: null, applied: 4 },
    ]);
    expect(driftCount(report)).toBe(2);
  });

  it('reports a missing record as drift, also when no record was ever written', async () => {
    const report = await auditProjections(log([envelope('A', 's-1', 0, 0)]), store, [model]);
    expect(report.readModels[0].drift).toEqual([{ streamId: 's-1', expected: 0, applied: null }]);
  });
});
