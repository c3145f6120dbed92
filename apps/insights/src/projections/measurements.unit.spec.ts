import { replayAt } from '../replay/replay';
import { keyResultSeriesModel, type SeriesDoc } from './key-result-series';
import { objectiveSummaryModel, type ObjectiveSummaryDoc } from './objective-summary';
import { ProjectionHarness, StreamBuilder } from './testing/projection-harness';

/** A data source's measurements move a key result's value in every view; its confidence stays the people's. */
const O = 'o1';
const KR = 'kr1';

const stream = () => {
  const objective = new StreamBuilder(`objective-${O}`);
  const checkins = new StreamBuilder(`checkins-${KR}`);
  return [
    objective.event('ObjectiveSet', { objectiveId: O, cycleId: 'c1', teamId: 'growth', ownerId: 'ana', title: 'Delight new users' }, '2026-10-01T09:00:00Z'),
    objective.event(
      'KeyResultAdded',
      { objectiveId: O, keyResultId: KR, title: 'Activation to 40%', measure: { kind: 'increase', start: 20, target: 40, unit: '%' } },
      '2026-10-01T09:01:00Z',
    ),
    objective.event('ObjectiveActivated', { objectiveId: O }, '2026-10-01T10:00:00Z'),
    checkins.event(
      'CheckInRecorded',
      { checkInId: 'ci-1', keyResultId: KR, objectiveId: O, value: 24, confidence: 4, effectiveAt: '2026-10-05', recordedAt: '2026-10-05T09:00:00Z' },
      '2026-10-05T09:00:00Z',
    ),
    checkins.event(
      'MeasurementRecorded',
      {
        measurementId: 'm-1',
        keyResultId: KR,
        objectiveId: O,
        value: 30,
        measuredAt: '2026-10-12',
        source: 'amplitude',
        serviceAccountId: 'sa-1',
        recordedAt: '2026-10-12T06:00:00Z',
      },
      '2026-10-12T06:00:00Z',
      'integration:amplitude',
    ),
  ];
};

describe('measurements in the insights views', () => {
  it('the summary takes the measured value and progress, and the confidence and last check-in of people', async () => {
    const harness = await ProjectionHarness.create(objectiveSummaryModel);
    try {
      const events = stream();
      await harness.apply(...events, ...events.slice(4));
      const doc = (await harness.get(O)) as ObjectiveSummaryDoc;
      expect(doc.keyResults[0]).toMatchObject({ value: 30, progress: 0.5, confidence: 4, lastCheckInAt: '2026-10-05T09:00:00Z', recentConfidences: [4] });
      expect(doc.keyResults[0]?.checkIns).toHaveLength(2);
      expect(doc).toMatchObject({ progress: 0.5, confidence: 4 });
    } finally {
      await harness.close();
    }
  });

  it('the series has the measurement as a point without confidence, with its source', async () => {
    const harness = await ProjectionHarness.create(keyResultSeriesModel);
    try {
      await harness.apply(...stream());
      const points = (await harness.all({ docType: 'point' }, { effectiveAtMs: 1 })) as SeriesDoc[];
      expect(points.map((p) => p.docType === 'point' && [p.checkInId, p.value, p.confidence, p.progress, p.source ?? null])).toEqual([
        ['ci-1', 24, 4, 0.2, null],
        ['m-1', 30, null, 0.5, 'amplitude'],
      ]);
    } finally {
      await harness.close();
    }
  });

  it('the replay shows the measured value and the confidence people gave, as known at the instant', () => {
    const events = stream().map((e, position) => ({ ...e, data: e.data as Record<string, unknown>, position, metadata: { ...e.metadata, correlationId: 'c', causationId: 'c' } }));
    const after = replayAt(events, 'acme', new Date('2026-10-13T00:00:00Z'));
    expect(after.objectives[0]?.keyResults[0]).toMatchObject({ value: 30, confidence: 4, progress: 0.5 });
    const before = replayAt(events, 'acme', new Date('2026-10-11T00:00:00Z'));
    expect(before.objectives[0]?.keyResults[0]).toMatchObject({ value: 24, confidence: 4 });
  });
});
