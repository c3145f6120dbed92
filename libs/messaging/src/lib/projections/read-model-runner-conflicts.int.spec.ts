import { randomUUID } from 'node:crypto';
import { EmbeddedReadStore } from '@okr/read-store';
import { racingReadStore } from '../../testing/racing-read-store';
import type { IntegrationEvent } from '../integration-event';
import type { IntegrationEventConsumer } from '../messaging.port';
import { replaceDocument, type ReadModel } from './read-model';
import { ReadModelRunner } from './read-model-runner';

/**
 * Two partitions' events about one document, applied at once: an objective's own stream and a key
 * result's check-ins stream both change the objective's summary, which the projection reads and
 * replaces whole. Whatever the interleaving, the summary must end with both.
 */
interface TotalDoc {
  _id: string;
  total: number;
  from: string[];
  [field: string]: unknown;
}

const totalsModel: ReadModel<TotalDoc> = {
  name: 'totals',
  indexes: [],
  handles: ['ProgressAdded'],
  reads: (event) => ({ _id: (event.data as { objectiveId: string }).objectiveId }),
  project: (event, current) => {
    const { objectiveId, amount } = event.data as { objectiveId: string; amount: number };
    const previous = current[0] ?? { _id: objectiveId, total: 0, from: [] };
    return [replaceDocument({ ...previous, total: previous.total + amount, from: [...previous.from, event.streamId] })];
  },
};

const event = (streamId: string, amount: number): IntegrationEvent => ({
  id: randomUUID(),
  type: 'ProgressAdded',
  schemaVersion: 1,
  streamId,
  key: streamId,
  revision: 0,
  position: 0,
  data: { objectiveId: 'o1', amount },
  metadata: { tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-03T00:00:00.000Z' },
});

describe('ReadModelRunner: two partitions change one document at once', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  it('a projection that read the document before the other partition committed runs again, with what it causes: no update is lost', async () => {
    let first: Promise<unknown> = Promise.resolve();
    const runner = new ReadModelRunner({} as IntegrationEventConsumer, racingReadStore(store, totalsModel.name, () => first.catch(() => undefined)), {
      service: 'test',
      topics: ['t'],
      models: [totalsModel as unknown as ReadModel],
    });
    // What else an event causes is written in its transaction, so it is re-run with it and kept once.
    const effects = await store.collection({ name: 'effects' });
    const projected: string[] = [];
    runner.onProjected(async (_model, applied, current, session) => {
      projected.push(applied.streamId);
      await effects.bulkWrite([{ insertOne: { document: { _id: applied.id, totalSeen: current[0]?.['total'] ?? 0 } } }], session);
    });
    const objectiveEvent = event('objective-o1', 1);
    const checkInEvent = event('checkins-k1', 10);
    first = runner.applyBatch(totalsModel as unknown as ReadModel, [objectiveEvent]);
    const second = runner.applyBatch(totalsModel as unknown as ReadModel, [checkInEvent]);
    expect(await first).toEqual([objectiveEvent]);
    expect(await second).toEqual([checkInEvent]);

    const totals = await store.collection<TotalDoc>({ name: 'totals' });
    expect(await totals.findOne({ _id: 'o1' })).toEqual({ _id: 'o1', total: 11, from: ['objective-o1', 'checkins-k1'] });
    expect(projected).toEqual(['objective-o1', 'checkins-k1', 'checkins-k1']);
    expect(await effects.find({}, { sort: { totalSeen: 1 } })).toEqual([
      { _id: objectiveEvent.id, totalSeen: 0 },
      { _id: checkInEvent.id, totalSeen: 1 },
    ]);
    const applied = await store.collection({ name: '_applied' });
    expect((await applied.find({}, { sort: { _id: 1 } })).map((record) => [record._id, record['revision']])).toEqual([
      ['totals|checkins-k1', 0],
      ['totals|objective-o1', 0],
    ]);
  });
});
