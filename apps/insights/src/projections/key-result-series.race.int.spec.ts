import { randomUUID } from 'node:crypto';
import { ReadModelRunner, type IntegrationEvent, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import { racingReadStore } from '@okr/messaging/testing';
import { EmbeddedReadStore } from '@okr/read-store';
import { keyResultSeriesModel, seriesPointId, type SeriesPointDoc } from './key-result-series';

/**
 * A key result's `KeyResultAdded` (goals' topic) and its first check-in (check-ins' topic) applied at
 * once, as two partitions or two replicas do: each transaction reads before the other has written.
 * Whichever commits first, the point must end with its progress and target: a write skew (the
 * check-in finds no key result, the key result finds no pending point) left it `null` for good.
 */
const metadata = { tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-10-05T09:00:00.000Z' };
const event = (type: string, streamId: string, data: object): IntegrationEvent => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  streamId,
  key: streamId,
  revision: 0,
  position: 0,
  data,
  metadata,
});

const keyResultAdded = event('KeyResultAdded', 'objective-o1', {
  objectiveId: 'o1',
  keyResultId: 'kr1',
  title: 'Activation',
  measure: { kind: 'increase', start: 0, target: 10 },
});
const checkIn = (checkInId: string, revision: number): IntegrationEvent => ({
  ...event('CheckInRecorded', 'checkins-kr1', {
    checkInId,
    keyResultId: 'kr1',
    objectiveId: 'o1',
    value: 3,
    confidence: 7,
    effectiveAt: '2026-10-05',
    recordedAt: '2026-10-05T09:00:00.000Z',
  }),
  revision,
});
const checkInRecorded = checkIn('ci1', 0);
const secondCheckIn = checkIn('ci2', 1);

describe('key-result-series: a key result and its first check-in applied at once', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  const model = keyResultSeriesModel as unknown as ReadModel;

  it.each([
    ['the key result commits first', [keyResultAdded, checkInRecorded]],
    ['the check-in commits first', [checkInRecorded, keyResultAdded]],
  ])('%s: the point ends with its progress and target', async (_case, [one, other]) => {
    let first: Promise<unknown> = Promise.resolve();
    const runner = new ReadModelRunner({} as IntegrationEventConsumer, racingReadStore(store, keyResultSeriesModel.name, () => first.catch(() => undefined)), {
      service: 'test',
      topics: ['t'],
      models: [model],
    });
    first = runner.applyBatch(model, [one]);
    const second = runner.applyBatch(model, [other]);
    await Promise.all([first, second]);

    const series = await store.collection<SeriesPointDoc>({ name: keyResultSeriesModel.name });
    expect(await series.findOne({ _id: seriesPointId('ci1', 0) })).toMatchObject({ progress: 0.3, target: { target: 10 }, current: true });
  });

  it.each([
    ['the key result commits first', [keyResultAdded, secondCheckIn]],
    ['the second check-in commits first', [secondCheckIn, keyResultAdded]],
  ])('after a first check-in left the key result pending, %s: both points end with their progress', async (_case, [one, other]) => {
    const plain = new ReadModelRunner({} as IntegrationEventConsumer, store, { service: 'test', topics: ['t'], models: [model] });
    await plain.applyBatch(model, [checkInRecorded]);
    let first: Promise<unknown> = Promise.resolve();
    const runner = new ReadModelRunner({} as IntegrationEventConsumer, racingReadStore(store, keyResultSeriesModel.name, () => first.catch(() => undefined)), {
      service: 'test',
      topics: ['t'],
      models: [model],
    });
    first = runner.applyBatch(model, [one]);
    const second = runner.applyBatch(model, [other]);
    await Promise.all([first, second]);

    const series = await store.collection<SeriesPointDoc>({ name: keyResultSeriesModel.name });
    for (const id of [seriesPointId('ci1', 0), seriesPointId('ci2', 1)]) {
      expect(await series.findOne({ _id: id })).toMatchObject({ progress: 0.3, target: { target: 10 }, current: true });
    }
  });
});

describe('key-result-series: a target revision and a check-in known after it, applied at once', () => {
  let store: EmbeddedReadStore;
  beforeEach(() => {
    store = EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(() => store.close());

  const model = keyResultSeriesModel as unknown as ReadModel;
  const revised: IntegrationEvent = {
    ...event('KeyResultTargetRevised', 'objective-o1', { objectiveId: 'o1', keyResultId: 'kr1', from: { target: 10 }, to: { target: 20 }, reason: 'too easy' }),
    revision: 1,
    metadata: { ...metadata, occurredAt: '2026-10-05T08:00:00.000Z' },
  };

  it.each([
    ['the revision commits first', [revised, checkInRecorded]],
    ['the check-in commits first', [checkInRecorded, revised]],
  ])('%s: the point ends measured against the revised target', async (_case, [one, other]) => {
    const plain = new ReadModelRunner({} as IntegrationEventConsumer, store, { service: 'test', topics: ['t'], models: [model] });
    await plain.applyBatch(model, [keyResultAdded]);
    let first: Promise<unknown> = Promise.resolve();
    const runner = new ReadModelRunner({} as IntegrationEventConsumer, racingReadStore(store, keyResultSeriesModel.name, () => first.catch(() => undefined)), {
      service: 'test',
      topics: ['t'],
      models: [model],
    });
    first = runner.applyBatch(model, [one]);
    const second = runner.applyBatch(model, [other]);
    await Promise.all([first, second]);

    const series = await store.collection<SeriesPointDoc>({ name: keyResultSeriesModel.name });
    expect(await series.findOne({ _id: seriesPointId('ci1', 0) })).toMatchObject({ progress: 0.15, target: { target: 20 } });
  });
});
