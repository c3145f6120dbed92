import {
  currentSeriesFilter,
  keyResultSeriesModel,
  seriesKeyResultId,
  type SeriesDoc,
  type SeriesPointDoc,
} from './key-result-series';
import { ProjectionHarness, StreamBuilder } from './testing/projection-harness';

const O = 'o1';
const KR = 'kr1';

const setup = async () => {
  const harness = await ProjectionHarness.create<SeriesDoc>(keyResultSeriesModel);
  const objective = new StreamBuilder(`objective-${O}`);
  const checkins = new StreamBuilder(`checkins-${KR}`);
  const added = () =>
    objective.event(
      'KeyResultAdded',
      { objectiveId: O, keyResultId: KR, title: 'Activation', measure: { kind: 'increase', start: 20, target: 40 } },
      '2026-10-01T09:00:00Z',
    );
  const record = (checkInId: string, value: number, confidence: number, effectiveAt: string, recordedAt: string) =>
    checkins.event(
      'CheckInRecorded',
      { checkInId, keyResultId: KR, objectiveId: O, value, confidence, effectiveAt, recordedAt },
      recordedAt,
    );
  const correct = (checkInId: string, changes: Record<string, unknown>, correctedAt: string) =>
    checkins.event('CheckInCorrected', { checkInId, keyResultId: KR, changes, from: {}, reason: 'typo', correctedAt }, correctedAt);
  const chart = async () =>
    (await harness.all(currentSeriesFilter(KR), { effectiveAtMs: 1, recordedAt: 1 })) as SeriesPointDoc[];
  return { harness, objective, added, record, correct, chart };
};

describe('key-result-series projection', () => {
  it('declares its collection and events', () => {
    expect(keyResultSeriesModel.name).toBe('key-result-series-v2');
    expect([...keyResultSeriesModel.handles].sort()).toEqual(
      ['CheckInCorrected', 'CheckInRecorded', 'KeyResultAdded', 'KeyResultDropped', 'KeyResultTargetRevised', 'MeasurementRecorded'].sort(),
    );
  });

  it('KeyResultAdded keeps the key result measure', async () => {
    const { harness, added } = await setup();
    await harness.apply(added());
    expect(await harness.get(seriesKeyResultId(KR))).toEqual({
      _id: 'kr:kr1',
      docType: 'key-result',
      tenantId: 'acme',
      keyResultId: KR,
      objectiveId: O,
      measure: { kind: 'increase', start: 20, target: 40 },
      measures: [{ from: null, measure: { kind: 'increase', start: 20, target: 40 } }],
      dropped: false,
    });
    await harness.close();
  });

  it('CheckInRecorded adds a point {checkInId}@{revision} with value, confidence and progress', async () => {
    const { harness, added, record, chart } = await setup();
    await harness.apply(added(), record('w1', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z'));
    expect(await chart()).toEqual([
      {
        _id: 'w1@0',
        docType: 'point',
        tenantId: 'acme',
        checkInId: 'w1',
        keyResultId: KR,
        objectiveId: O,
        revision: 0,
        effectiveAt: '2026-10-05',
        effectiveAtMs: Date.parse('2026-10-05T00:00:00Z'),
        recordedAt: '2026-10-05T16:00:00Z',
        value: 30,
        confidence: 7,
        progress: 0.5,
        target: { target: 40 },
        validFrom: '2026-10-05T16:00:00Z',
        supersededAt: null,
        current: true,
        corrections: 0,
      },
    ]);
    await harness.close();
  });

  it('CheckInCorrected supersedes the current version and adds the corrected one', async () => {
    const { harness, added, record, correct, chart } = await setup();
    await harness.apply(
      added(),
      record('w1', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z'),
      record('w2', 32, 6, '2026-10-12', '2026-10-12T16:00:00Z'),
      correct('w1', { value: 24, confidence: 5 }, '2026-10-13T09:00:00Z'),
    );
    const points = await chart();
    expect(points.map((p) => [p._id, p.value, p.confidence, p.progress, p.corrections])).toEqual([
      ['w1@2', 24, 5, 0.2, 1],
      ['w2@1', 32, 6, 0.6, 0],
    ]);
    expect(points[0]).toMatchObject({ validFrom: '2026-10-13T09:00:00Z', recordedAt: '2026-10-05T16:00:00Z' });
    expect(await harness.get('w1@0')).toMatchObject({ current: false, supersededAt: '2026-10-13T09:00:00Z', value: 30 });
    await harness.close();
  });

  it('a correction of effectiveAt moves the point on the chart', async () => {
    const { harness, added, record, correct, chart } = await setup();
    await harness.apply(
      added(),
      record('a', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z'),
      record('b', 32, 6, '2026-10-12', '2026-10-12T16:00:00Z'),
      correct('a', { effectiveAt: '2026-10-19' }, '2026-10-20T09:00:00Z'),
    );
    expect((await chart()).map((p) => p.checkInId)).toEqual(['b', 'a']);
    await harness.close();
  });

  it('KeyResultTargetRevised changes the measure for later points and keeps history', async () => {
    const { harness, added, record, objective, chart } = await setup();
    await harness.apply(added(), record('w1', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z'));
    await harness.apply(
      objective.event(
        'KeyResultTargetRevised',
        { objectiveId: O, keyResultId: KR, from: { target: 40 }, to: { target: 60 }, reason: 'too easy' },
        '2026-10-06T00:00:00Z',
      ),
      record('w2', 30, 7, '2026-10-12', '2026-10-12T16:00:00Z'),
    );
    expect((await harness.get(seriesKeyResultId(KR)))?.['measure']).toEqual({ kind: 'increase', start: 20, target: 60 });
    expect((await chart()).map((p) => [p.checkInId, p.progress, p.target])).toEqual([
      ['w1', 0.5, { target: 40 }],
      ['w2', 0.25, { target: 60 }],
    ]);
    await harness.close();
  });

  it('KeyResultDropped marks the key result dropped', async () => {
    const { harness, added, objective } = await setup();
    await harness.apply(
      added(),
      objective.event('KeyResultDropped', { objectiveId: O, keyResultId: KR, reason: 'moot' }, '2026-10-06T00:00:00Z'),
    );
    expect(await harness.get(seriesKeyResultId(KR))).toMatchObject({ dropped: true });
    await harness.close();
  });

  it('points that arrive before their key result get their progress when it is added', async () => {
    const { harness, added, record, chart } = await setup();
    await harness.apply(record('w1', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z'));
    expect((await chart())[0]).toMatchObject({ progress: null, target: null });
    await harness.apply(added());
    expect((await chart())[0]).toMatchObject({ progress: 0.5, target: { target: 40 } });
    await harness.close();
  });

  it('redelivered check-in events are no-ops', async () => {
    const { harness, added, record, correct } = await setup();
    const recorded = record('w1', 30, 7, '2026-10-05', '2026-10-05T16:00:00Z');
    const corrected = correct('w1', { value: 24 }, '2026-10-13T09:00:00Z');
    await harness.apply(added(), recorded, corrected);
    const before = await harness.all();
    await harness.apply(recorded, corrected);
    expect(await harness.all()).toEqual(before);
    expect(before.filter((d) => d.docType === 'point')).toHaveLength(2);
    await harness.close();
  });
});
