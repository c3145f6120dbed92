import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { CyclePlanned, PlanCycle } from './cycle';
import { cycleDecider, decideCycle, evolveCycle, initialCycleState, isIsoCalendarDate } from './cycle.decider';

const spec = DeciderSpecification.for(cycleDecider);

const plan = (data: Partial<PlanCycle['data']> = {}): PlanCycle => ({
  type: 'PlanCycle',
  data: { cycleId: 'cycle-2026-q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7, ...data },
  metadata: { now: '2026-09-20T10:00:00.000Z' },
});

const planned: CyclePlanned = {
  type: 'CyclePlanned',
  data: { cycleId: 'cycle-2026-q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 },
};

describe('cycle decider', () => {
  describe('PlanCycle', () => {
    it('plans a cycle on an empty stream', () => {
      spec.given([]).when(plan()).then([planned]);
    });

    it('trims the name it stores', () => {
      spec.given([]).when(plan({ name: '  2026-Q4 ' })).then([planned]);
    });

    it('accepts the cadence bounds 1 and 90 days', () => {
      spec.given([]).when(plan({ checkInCadenceDays: 1 })).then([{ ...planned, data: { ...planned.data, checkInCadenceDays: 1 } }]);
      spec.given([]).when(plan({ checkInCadenceDays: 90 })).then([{ ...planned, data: { ...planned.data, checkInCadenceDays: 90 } }]);
    });

    it('accepts a cycle that ends the day after it starts', () => {
      spec
        .given([])
        .when(plan({ startsOn: '2026-10-01', endsOn: '2026-10-02' }))
        .then([{ ...planned, data: { ...planned.data, startsOn: '2026-10-01', endsOn: '2026-10-02' } }]);
    });

    it('refuses to plan a cycle twice', () => {
      const error = spec.given([planned]).when(plan()).thenThrows('cycle-already-planned', 'rule-broken');
      expect(error.details).toEqual({ cycleId: 'cycle-2026-q4' });
    });

    it.each([
      ['ends before it starts', '2026-12-31', '2026-10-01'],
      ['ends the day it starts', '2026-10-01', '2026-10-01'],
    ])('refuses a cycle that %s', (_, startsOn, endsOn) => {
      spec.given([]).when(plan({ startsOn, endsOn })).thenThrows('cycle-ends-before-it-starts');
    });

    it.each(['', '   '])('refuses a blank name %j', (name) => {
      expect(spec.given([]).when(plan({ name })).thenThrows('name-required').details).toEqual({ field: 'name' });
    });

    it.each([
      ['startsOn', '2026-02-30'],
      ['startsOn', '2026-13-01'],
      ['startsOn', '2026-1-01'],
      ['endsOn', '2026-12-31T00:00:00Z'],
      ['endsOn', '31/12/2026'],
      ['endsOn', ''],
    ] as const)('refuses %s = %j as not a YYYY-MM-DD calendar date', (field, value) => {
      const error = spec.given([]).when(plan({ [field]: value })).thenThrows('invalid-date');
      expect(error.details).toEqual({ field, value });
    });

    it.each([0, 91, 1.5, -7, Number.NaN, Number.POSITIVE_INFINITY])('refuses a check-in cadence of %p days', (days) => {
      const error = spec.given([]).when(plan({ checkInCadenceDays: days })).thenThrows('invalid-check-in-cadence');
      expect(error.details['field']).toBe('checkInCadenceDays');
    });
  });

  describe('evolve', () => {
    it('starts empty', () => {
      expect(initialCycleState()).toEqual({ status: 'empty' });
    });

    it('remembers a planned cycle', () => {
      expect(replay(cycleDecider, [planned])).toStrictEqual({
        status: 'planned',
        id: 'cycle-2026-q4',
        name: '2026-Q4',
        startsOn: '2026-10-01',
        endsOn: '2026-12-31',
        checkInCadenceDays: 7,
      });
    });

    it('leaves the state alone for an event type it does not know', () => {
      const state = evolveCycle(initialCycleState(), planned);
      const unknown = { type: 'CycleSplit', data: {} } as unknown as CyclePlanned;
      expect(evolveCycle(state, unknown)).toBe(state);
    });
  });

  it('exposes decide, evolve and initialState as standalone functions too', () => {
    expect(cycleDecider).toEqual({ decide: decideCycle, evolve: evolveCycle, initialState: initialCycleState });
  });

  it('fails loudly on a command type it does not know', () => {
    const unknown = { ...plan(), type: 'CancelCycle' } as unknown as PlanCycle;
    expect(() => decideCycle(unknown, evolveCycle(initialCycleState(), planned))).toThrow('Unhandled command type: "CancelCycle"');
  });
});

describe('isIsoCalendarDate', () => {
  it.each(['2024-02-29', '2026-01-01', '2026-12-31'])('accepts %s', (date) => {
    expect(isIsoCalendarDate(date)).toBe(true);
  });

  it.each(['2026-02-29', '2026-04-31', '2026-00-10', '2026-10-00', ' 2026-10-01', 20261001, undefined])(
    'refuses %p',
    (date) => {
      expect(isIsoCalendarDate(date)).toBe(false);
    },
  );
});
