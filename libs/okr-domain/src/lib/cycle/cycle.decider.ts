import type { Decider } from '../shared/envelope';
import { ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import type { CycleCommand, CycleEvent, PlanCycle } from './cycle';

/** A cycle stream before its first event. */
export interface EmptyCycle {
  status: 'empty';
}

/** A cycle that has been planned. Dates are ISO calendar dates (YYYY-MM-DD). */
export interface PlannedCycle {
  status: 'planned';
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
}

/** Everything `decideCycle` needs to know about a cycle. */
export type CycleState = EmptyCycle | PlannedCycle;

/** Longest allowed check-in cadence: beyond a quarter nobody would call it a check-in. */
export const MAX_CHECK_IN_CADENCE_DAYS = 90;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True when `value` is a real calendar date written as YYYY-MM-DD. `Date.parse` alone is not enough:
 * it rolls 2026-02-30 over into March instead of refusing it.
 */
export const isIsoCalendarDate = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** The state of a cycle stream with no events. */
export const initialCycleState = (): CycleState => ({ status: 'empty' });

const planCycle = (command: PlanCycle, state: CycleState): CycleEvent[] => {
  if (state.status !== 'empty') {
    throw ruleBroken('cycle-already-planned', `Cycle ${state.id} has already been planned.`, { cycleId: state.id });
  }
  const { cycleId, startsOn, endsOn, checkInCadenceDays } = command.data;
  const name = typeof command.data.name === 'string' ? command.data.name.trim() : '';
  if (name === '') throw ruleBroken('name-required', 'A cycle needs a name.', { field: 'name' });
  for (const [field, value] of [
    ['startsOn', startsOn],
    ['endsOn', endsOn],
  ] as const) {
    if (!isIsoCalendarDate(value)) {
      throw ruleBroken('invalid-date', `${field} must be a calendar date written YYYY-MM-DD.`, { field, value });
    }
  }
  // Valid YYYY-MM-DD strings sort like the dates they name, so no Date arithmetic is needed.
  if (endsOn <= startsOn) {
    throw ruleBroken('cycle-ends-before-it-starts', 'A cycle must end after it starts.', { startsOn, endsOn });
  }
  if (
    !Number.isInteger(checkInCadenceDays) ||
    checkInCadenceDays < 1 ||
    checkInCadenceDays > MAX_CHECK_IN_CADENCE_DAYS
  ) {
    throw ruleBroken(
      'invalid-check-in-cadence',
      `The check-in cadence must be a whole number of days from 1 to ${MAX_CHECK_IN_CADENCE_DAYS}.`,
      { field: 'checkInCadenceDays', value: checkInCadenceDays },
    );
  }
  return [{ type: 'CyclePlanned', data: { cycleId, name, startsOn, endsOn, checkInCadenceDays } }];
};

/**
 * Decides what planning a cycle means. Throws a rule-broken {@link DomainError} with code
 * `cycle-already-planned`, `name-required`, `invalid-date`, `cycle-ends-before-it-starts` or
 * `invalid-check-in-cadence`.
 */
export const decideCycle = (command: CycleCommand, state: CycleState): CycleEvent[] => {
  switch (command.type) {
    case 'PlanCycle':
      return planCycle(command, state);
    default:
      return unhandledCommand(command.type);
  }
};

/**
 * Folds one cycle event into the state. Never throws and ignores unknown event types, so replay never
 * stops half-way through a stream.
 */
export const evolveCycle = (state: CycleState, event: CycleEvent): CycleState => {
  switch (event.type) {
    case 'CyclePlanned': {
      const { cycleId, name, startsOn, endsOn, checkInCadenceDays } = event.data;
      return { status: 'planned', id: cycleId, name, startsOn, endsOn, checkInCadenceDays };
    }
    default:
      return ignoreUnknownEvent(event.type, state);
  }
};

/** The cycle aggregate as an emmett-style decider, for the generic command handler. */
export const cycleDecider: Decider<CycleState, CycleCommand, CycleEvent> = {
  decide: decideCycle,
  evolve: evolveCycle,
  initialState: initialCycleState,
};
