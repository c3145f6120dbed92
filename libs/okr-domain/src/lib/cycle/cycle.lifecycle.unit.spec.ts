import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { CycleClosed, CycleCommand, CycleEvent, CyclePlanned } from './cycle';
import { cycleDecider } from './cycle.decider';
import { cycleStatus, isCycleOver } from './cycle-status';

const spec = DeciderSpecification.for(cycleDecider);

const planned: CyclePlanned = {
  type: 'CyclePlanned',
  data: { cycleId: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 },
};
const at = (now: string) => ({ metadata: { now } });
const BEFORE = '2026-09-20T10:00:00.000Z';
const DURING = '2026-11-15T10:00:00.000Z';
const AFTER = '2027-01-02T10:00:00.000Z';

const rename = (name: string, now = BEFORE): CycleCommand => ({ type: 'RenameCycle', data: { name }, ...at(now) });
const reschedule = (startsOn: string, endsOn: string, now = BEFORE): CycleCommand => ({
  type: 'RescheduleCycle',
  data: { startsOn, endsOn },
  ...at(now),
});
const ungraded = [{ objectiveId: 'o1', title: 'Customers succeed', teamId: 'growth' }];
const close = (now = AFTER): CycleCommand => ({ type: 'CloseCycle', data: { ungradedObjectives: ungraded }, ...at(now) });
const closed: CycleClosed = { type: 'CycleClosed', data: { cycleId: 'q4', closedAt: AFTER, ungradedObjectives: ungraded } };

describe('cycle lifecycle', () => {
  describe('RenameCycle', () => {
    it('renames an upcoming cycle', () => {
      spec.given([planned]).when(rename(' Q4 2026 ')).then([{ type: 'CycleRenamed', data: { cycleId: 'q4', from: '2026-Q4', to: 'Q4 2026' } }]);
    });

    it('says nothing when the name is already that', () => {
      spec.given([planned]).when(rename('2026-Q4', DURING)).thenNothingHappened();
    });

    it('refuses once the cycle has started', () => {
      const error = spec.given([planned]).when(rename('Q4', '2026-10-01T00:00:00.000Z')).thenThrows('cycle-already-started');
      expect(error.details).toEqual({ cycleId: 'q4', status: 'active' });
      expect(error.message).toContain('2026-Q4');
    });

    it('refuses a blank or too long name', () => {
      spec.given([planned]).when(rename('  ')).thenThrows('name-required');
      spec.given([planned]).when(rename('x'.repeat(101))).thenThrows('name-too-long');
    });

    it('refuses a cycle that does not exist', () => {
      spec.given([]).when(rename('Q4')).thenThrows('cycle-not-found', 'not-found');
    });
  });

  describe('RescheduleCycle', () => {
    it('moves the dates of an upcoming cycle', () => {
      spec
        .given([planned])
        .when(reschedule('2026-10-05', '2027-01-04'))
        .then([
          {
            type: 'CycleRescheduled',
            data: { cycleId: 'q4', from: { startsOn: '2026-10-01', endsOn: '2026-12-31' }, to: { startsOn: '2026-10-05', endsOn: '2027-01-04' } },
          },
        ]);
    });

    it('refuses to move a cycle that has started, or to a start before today', () => {
      spec.given([planned]).when(reschedule('2026-10-05', '2027-01-04', DURING)).thenThrows('cycle-already-started');
      expect(spec.given([planned]).when(reschedule('2026-09-01', '2026-12-31')).thenThrows('cycle-starts-in-the-past').details).toEqual({
        field: 'startsOn',
        value: '2026-09-01',
      });
    });

    it('checks the dates as planning does', () => {
      spec.given([planned]).when(reschedule('2026-10-05', '2026-10-01')).thenThrows('cycle-ends-before-it-starts');
      spec.given([planned]).when(reschedule('2026-02-30', '2026-12-31')).thenThrows('invalid-date');
    });
  });

  describe('CloseCycle', () => {
    it('closes an ended cycle and records its ungraded objectives', () => {
      spec.given([planned]).when(close()).then([closed]);
    });

    it('refuses to close a cycle before it has ended', () => {
      expect(spec.given([planned]).when(close(DURING)).thenThrows('cycle-not-ended').details).toEqual({ cycleId: 'q4', status: 'active' });
      spec.given([planned]).when(close('2026-12-31T23:59:59.999Z')).thenThrows('cycle-not-ended');
    });

    it('refuses to close twice, or to change a closed cycle', () => {
      spec.given([planned, closed]).when(close()).thenThrows('cycle-already-closed');
      spec.given([planned, closed]).when(rename('Q4 bis')).thenThrows('cycle-closed');
    });
  });

  describe('evolve', () => {
    it('keeps the new name, dates and the closing', () => {
      const state = replay(cycleDecider, [
        planned,
        { type: 'CycleRenamed', data: { cycleId: 'q4', from: '2026-Q4', to: 'Q4' } },
        { type: 'CycleRescheduled', data: { cycleId: 'q4', from: { startsOn: '2026-10-01', endsOn: '2026-12-31' }, to: { startsOn: '2026-10-02', endsOn: '2026-12-30' } } },
        closed,
      ] as CycleEvent[]);
      expect(state).toEqual({
        status: 'closed',
        id: 'q4',
        name: 'Q4',
        startsOn: '2026-10-02',
        endsOn: '2026-12-30',
        checkInCadenceDays: 7,
        closedAt: AFTER,
        ungradedObjectives: ungraded,
      });
    });
  });
});

describe('cycleStatus', () => {
  const cycle = { startsOn: '2026-10-01', endsOn: '2026-12-31' };

  it.each([
    ['2026-09-30T23:59:59.999Z', 'upcoming'],
    ['2026-10-01T00:00:00.000Z', 'active'],
    ['2026-12-31T23:59:59.999Z', 'active'],
    ['2027-01-01T00:00:00.000Z', 'ended'],
  ] as const)('at %s a cycle of Q4 is %s', (now, status) => {
    expect(cycleStatus(cycle, now)).toBe(status);
    expect(cycleStatus(cycle, new Date(now))).toBe(status);
  });

  it('is closed once closed, whatever the clock', () => {
    expect(cycleStatus({ ...cycle, closedAt: AFTER }, '2026-11-01T00:00:00.000Z')).toBe('closed');
    expect(cycleStatus({ ...cycle, closedAt: null }, DURING)).toBe('active');
  });

  it('calls a cycle over when it ended or closed', () => {
    expect(isCycleOver(cycle, DURING)).toBe(false);
    expect(isCycleOver(cycle, AFTER)).toBe(true);
    expect(isCycleOver({ ...cycle, closedAt: AFTER }, DURING)).toBe(true);
  });
});
