import { DeciderSpecification } from '../../testing/decider-spec';
import type { CheckInRecorded, CorrectCheckIn, RecordCheckIn } from './check-in';
import { checkInDecider } from './check-in.decider';
import type { CheckInWindow } from './check-in.rules';

const spec = DeciderSpecification.for(checkInDecider);
/** Today is 13 October 2026, 09:00 UTC, in Q4 2026 (1 October to 31 December), one week of grace. */
const NOW = '2026-10-13T09:00:00.000Z';
const Q4: CheckInWindow = { startsOn: '2026-10-01', endsOn: '2026-12-31', graceDays: 7 };

const record = (data: Partial<RecordCheckIn['data']>, now = NOW): RecordCheckIn => ({
  type: 'RecordCheckIn',
  data: { checkInId: 'ci-1', keyResultId: 'kr-1', objectiveId: 'obj-1', kind: 'increase', window: Q4, value: 24, confidence: 6, effectiveAt: '2026-10-12', ...data },
  metadata: { now },
});

const recorded: CheckInRecorded = {
  type: 'CheckInRecorded',
  data: { checkInId: 'ci-1', keyResultId: 'kr-1', objectiveId: 'obj-1', value: 24, confidence: 6, effectiveAt: '2026-10-12', recordedAt: NOW },
};

const correct = (data: Partial<CorrectCheckIn['data']>): CorrectCheckIn => ({
  type: 'CorrectCheckIn',
  data: { checkInId: 'ci-1', kind: 'increase', window: Q4, reason: 'Wrong week.', ...data },
  metadata: { now: NOW },
});

describe('check-in rules: the moment it describes and the value it gives', () => {
  it('refuses a check-in dated 2030-01-01: the future is not a check-in', () => {
    const error = spec.given([]).when(record({ effectiveAt: '2030-01-01' })).thenThrows('effective-at-in-future', 'rule-broken');
    expect(error.message).toBe('A check-in describes what happened: 2030-01-01 is after today.');
    expect(error.details).toMatchObject({ field: 'effectiveAt', today: '2026-10-13' });
  });

  it('refuses it even when the cycle is unknown to the service', () => {
    spec.given([]).when(record({ effectiveAt: '2030-01-01', window: undefined })).thenThrows('effective-at-in-future');
  });

  it("takes today's date, and tomorrow's where it is already tomorrow (up to 14 hours ahead of UTC)", () => {
    spec.given([]).when(record({ effectiveAt: '2026-10-13' })).then([{ ...recorded, data: { ...recorded.data, effectiveAt: '2026-10-13' } }]);
    // At 09:00 UTC it is 23:00 in Kiribati (UTC+14): 14 October starts an hour later.
    spec.given([]).when(record({ effectiveAt: '2026-10-14' })).thenThrows('effective-at-in-future');
    spec
      .given([])
      .when(record({ effectiveAt: '2026-10-14' }, '2026-10-13T10:00:00.000Z'))
      .then([{ ...recorded, data: { ...recorded.data, effectiveAt: '2026-10-14', recordedAt: '2026-10-13T10:00:00.000Z' } }]);
  });

  it('takes an instant up to 5 minutes ahead of the clock, not more', () => {
    spec.given([]).when(record({ effectiveAt: '2026-10-13T09:05:00Z' })).then([{ ...recorded, data: { ...recorded.data, effectiveAt: '2026-10-13T09:05:00Z' } }]);
    spec.given([]).when(record({ effectiveAt: '2026-10-13T09:06:00Z' })).thenThrows('effective-at-in-future');
  });

  it("refuses a day before the key result's cycle, naming its first day", () => {
    const error = spec.given([]).when(record({ effectiveAt: '2026-09-30' })).thenThrows('effective-at-before-cycle');
    expect(error.message).toBe("2026-09-30 is before the key result's cycle, which starts on 2026-10-01.");
    spec.given([]).when(record({ effectiveAt: '2026-10-01' })).then([{ ...recorded, data: { ...recorded.data, effectiveAt: '2026-10-01' } }]);
  });

  it("reads an instant's day in its own offset", () => {
    // 00:30 on 1 October in Paris is still 30 September in UTC: it describes 1 October.
    const at = '2026-10-01T00:30:00+02:00';
    spec.given([]).when(record({ effectiveAt: at })).then([{ ...recorded, data: { ...recorded.data, effectiveAt: at } }]);
    spec.given([]).when(record({ effectiveAt: '2026-09-30T23:30:00Z' })).thenThrows('effective-at-before-cycle');
  });

  it('takes the grace days after the cycle ends, and refuses the day after them', () => {
    const inJanuary = '2027-01-20T09:00:00.000Z';
    spec
      .given([])
      .when(record({ effectiveAt: '2027-01-07' }, inJanuary))
      .then([{ ...recorded, data: { ...recorded.data, effectiveAt: '2027-01-07', recordedAt: inJanuary } }]);
    const error = spec.given([]).when(record({ effectiveAt: '2027-01-08' }, inJanuary)).thenThrows('effective-at-after-cycle');
    expect(error.message).toBe(
      "2027-01-08 is after the key result's cycle, which ended on 2026-12-31 (check-ins are taken up to 7 days later, until 2027-01-07).",
    );
    spec.given([]).when(record({ effectiveAt: '2027-01-01', window: { ...Q4, graceDays: 0 } }, inJanuary)).thenThrows('effective-at-after-cycle');
  });

  it('holds a correction that moves a check-in to the same rules', () => {
    spec.given([recorded]).when(correct({ effectiveAt: '2030-01-01' })).thenThrows('effective-at-in-future');
    spec.given([recorded]).when(correct({ effectiveAt: '2026-09-28' })).thenThrows('effective-at-before-cycle');
    spec.given([recorded]).when(correct({ value: 1e16 })).thenThrows('value-out-of-range');
  });

  it.each([1e16, -1e16])('refuses a value of %p: no measure means that', (value) => {
    spec.given([]).when(record({ value })).thenThrows('value-out-of-range');
  });

  it('takes large but plausible numbers (revenue in cents)', () => {
    spec.given([]).when(record({ value: 1e12 })).then([{ ...recorded, data: { ...recorded.data, value: 1e12 } }]);
  });
});
