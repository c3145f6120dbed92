import { DeciderSpecification } from '../../testing/decider-spec';
import { checkInsAsOf, checkInsKnownAt, latestCheckIn, latestConfidence } from './bitemporal';
import type { CheckInEvent, CheckInRecorded, CorrectCheckIn } from './check-in';
import { checkInDecider } from './check-in.decider';
import type { MeasurementRecorded, RecordMeasurement } from './measurement';

const spec = DeciderSpecification.for(checkInDecider);
const NOW = '2026-10-20T10:00:00.000Z';
const window = { startsOn: '2026-10-01', endsOn: '2026-12-31', graceDays: 7 };

const measured: MeasurementRecorded = {
  type: 'MeasurementRecorded',
  data: {
    measurementId: 'm-1',
    keyResultId: 'kr-1',
    objectiveId: 'obj-1',
    value: 31.5,
    measuredAt: '2026-10-19',
    source: 'amplitude',
    link: 'https://analytics.example.com/chart/42',
    serviceAccountId: 'sa-1',
    recordedAt: NOW,
  },
};
const { recordedAt: _r, ...commandData } = measured.data;
const measure = (data: Partial<RecordMeasurement['data']> = {}): RecordMeasurement => ({
  type: 'RecordMeasurement',
  data: { ...commandData, kind: 'increase', window, ...data },
  metadata: { now: NOW },
});
const checkIn: CheckInRecorded = {
  type: 'CheckInRecorded',
  data: { checkInId: 'ci-1', keyResultId: 'kr-1', objectiveId: 'obj-1', value: 28, confidence: 6, effectiveAt: '2026-10-12', recordedAt: '2026-10-12T09:00:00.000Z' },
};

describe('measurements in the check-in stream', () => {
  it('records a value without confidence, with its source and link', () => {
    spec.given([checkIn]).when(measure()).then([measured]);
  });

  it('records nothing when the same measurement comes again (a retried batch)', () => {
    spec.given([checkIn, measured]).when(measure()).thenNothingHappened();
  });

  it('refuses another value for the same source, key result and moment', () => {
    const error = spec.given([measured]).when(measure({ value: 40 })).thenThrows('measurement-conflicts', 'rule-broken');
    expect(error.message).toBe('amplitude already sent 31.5 for 2026-10-19; a measurement is not replaced by another value.');
  });

  it('keeps the rules of a check-in: value for the kind, a moment inside the cycle and not ahead', () => {
    spec.given([]).when(measure({ value: true })).thenThrows('value-does-not-fit-kind');
    spec.given([]).when(measure({ measuredAt: '2026-09-30' })).thenThrows('effective-at-before-cycle');
    spec.given([]).when(measure({ measuredAt: '2026-11-30' })).thenThrows('effective-at-in-future');
    spec.given([]).when(measure({ source: ' ' })).thenThrows('invalid-source');
    spec.given([checkIn]).when(measure({ keyResultId: 'kr-2' })).thenThrows('key-result-mismatch');
  });

  it('cannot be corrected as a check-in: people record their own check-in instead', () => {
    const correct: CorrectCheckIn = { type: 'CorrectCheckIn', data: { checkInId: 'm-1', kind: 'increase', value: 30, reason: 'x' }, metadata: { now: NOW } };
    spec.given([checkIn, measured]).when(correct).thenThrows('check-in-not-found', 'not-found');
  });

  it('moves the value in the bitemporal views, never the confidence', () => {
    const events: CheckInEvent[] = [checkIn, measured];
    const views = checkInsAsOf(events);
    expect(views.map((v) => v.id)).toEqual(['ci-1', 'm-1']);
    expect(views[1]).toStrictEqual({
      id: 'm-1',
      keyResultId: 'kr-1',
      value: 31.5,
      source: 'amplitude',
      link: 'https://analytics.example.com/chart/42',
      effectiveAt: '2026-10-19',
      recordedAt: NOW,
      corrections: 0,
    });
    expect(latestCheckIn(views)?.value).toBe(31.5);
    expect(latestConfidence(views)).toBe(6);
    expect(latestConfidence(views.slice(1))).toBeUndefined();
    expect(checkInsKnownAt(events, new Date('2026-10-19T00:00:00Z')).map((v) => v.id)).toEqual(['ci-1']);
  });
});
