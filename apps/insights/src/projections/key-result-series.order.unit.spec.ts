import type { ProjectedEvent } from '@okr/messaging';
import { currentSeriesFilter, keyResultSeriesModel, type SeriesDoc, type SeriesPointDoc } from './key-result-series';
import { ProjectionHarness, StreamBuilder } from './testing/projection-harness';

/**
 * Goals' topic (the key result, its target revision) and check-ins' topic (its check-ins) have no
 * order between them: each replica, partition or rebuild may see them interleaved differently. The
 * series must not depend on it.
 */
const KR = 'kr1';
const objective = new StreamBuilder('objective-o1');
const checkIns = new StreamBuilder(`checkins-${KR}`);
const goals: ProjectedEvent[] = [
  objective.event('KeyResultAdded', { objectiveId: 'o1', keyResultId: KR, title: 'Activation', measure: { kind: 'increase', start: 20, target: 40 } }, '2026-10-01T09:00:00Z'),
  objective.event('KeyResultTargetRevised', { objectiveId: 'o1', keyResultId: KR, from: { target: 40 }, to: { target: 60 }, reason: 'too easy' }, '2026-10-08T09:00:00Z'),
];
const recorded = (checkInId: string, value: number, recordedAt: string): ProjectedEvent =>
  checkIns.event('CheckInRecorded', { checkInId, keyResultId: KR, objectiveId: 'o1', value, confidence: 7, effectiveAt: recordedAt.slice(0, 10), recordedAt }, recordedAt);
const checkInEvents: ProjectedEvent[] = [
  recorded('w1', 30, '2026-10-05T16:00:00.000Z'),
  recorded('w2', 30, '2026-10-12T16:00:00.000Z'),
  checkIns.event('CheckInCorrected', { checkInId: 'w1', keyResultId: KR, changes: { value: 24 }, from: { value: 30 }, reason: 'typo', correctedAt: '2026-10-13T09:00:00.000Z' }, '2026-10-13T09:00:00.000Z'),
  { ...recorded('m1', 36, '2026-10-14T08:00:00.000Z'), type: 'MeasurementRecorded', data: { measurementId: 'm1', keyResultId: KR, objectiveId: 'o1', value: 36, measuredAt: '2026-10-14', source: 'crm', serviceAccountId: 's1', recordedAt: '2026-10-14T08:00:00.000Z' } },
];

/** Every merge of two sequences that keeps each one's own order. */
const interleavings = <T>(a: readonly T[], b: readonly T[]): T[][] => {
  if (a.length === 0) return [[...b]];
  if (b.length === 0) return [[...a]];
  return [
    ...interleavings(a.slice(1), b).map((rest) => [a[0] as T, ...rest]),
    ...interleavings(a, b.slice(1)).map((rest) => [b[0] as T, ...rest]),
  ];
};

const seriesAfter = async (events: readonly ProjectedEvent[]): Promise<SeriesDoc[]> => {
  const harness = await ProjectionHarness.create<SeriesDoc>(keyResultSeriesModel);
  try {
    await harness.apply(...events);
    return await harness.all();
  } finally {
    await harness.close();
  }
};

describe('key-result-series: independent of the order of goals\' and check-ins\' topics', () => {
  it('every interleaving of a target revision and check-ins gives the same documents, each point measured against the target in force when it became known', async () => {
    const orders = interleavings(goals, checkInEvents);
    expect(orders).toHaveLength(15);
    const expected = await seriesAfter([...goals, ...checkInEvents]);
    for (const order of orders) expect({ order: order.map((e) => e.id), series: await seriesAfter(order) }).toEqual({ order: order.map((e) => e.id), series: expected });

    const chart = expected.filter((d): d is SeriesPointDoc => d.docType === 'point');
    expect(chart.map((p) => [p._id, p.current, p.progress, p.target])).toEqual([
      ['m1@3', true, 0.4, { target: 60 }],
      ['w1@0', false, 0.5, { target: 40 }],
      ['w1@2', true, 0.1, { target: 60 }],
      ['w2@1', true, 0.25, { target: 60 }],
    ]);
    expect(currentSeriesFilter(KR)).toMatchObject({ current: true });
  });
});
