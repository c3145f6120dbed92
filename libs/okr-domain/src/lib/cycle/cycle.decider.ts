import type { Decider } from '../shared/envelope';
import { notFound, ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import type { CloseCycle, CycleCommand, CycleEvent, PlanCycle, RenameCycle, RescheduleCycle, UngradedObjective } from './cycle';
import { calendarDateOf, cycleStatus } from './cycle-status';

/** A cycle stream before its first event. */
export interface EmptyCycle {
  status: 'empty';
}

/**
 * A cycle that has been planned (and maybe closed). Dates are ISO calendar dates (YYYY-MM-DD). Whether
 * it is upcoming, active or ended depends on the clock: see `cycleStatus`.
 */
export interface PlannedCycle {
  status: 'planned' | 'closed';
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
  closedAt?: string;
  ungradedObjectives?: UngradedObjective[];
}

/** Everything `decideCycle` needs to know about a cycle. */
export type CycleState = EmptyCycle | PlannedCycle;

/** Longest allowed check-in cadence: beyond a quarter nobody would call it a check-in. */
export const MAX_CHECK_IN_CADENCE_DAYS = 90;
/** Longest cycle name. */
export const MAX_CYCLE_NAME_LENGTH = 100;

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

const cycleName = (value: unknown): string => {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '') throw ruleBroken('name-required', 'A cycle needs a name.', { field: 'name' });
  if (name.length > MAX_CYCLE_NAME_LENGTH) {
    throw ruleBroken('name-too-long', `A cycle name has at most ${MAX_CYCLE_NAME_LENGTH} characters.`, { field: 'name', length: name.length });
  }
  return name;
};

const cycleDates = (startsOn: unknown, endsOn: unknown): { startsOn: string; endsOn: string } => {
  for (const [field, value] of [
    ['startsOn', startsOn],
    ['endsOn', endsOn],
  ] as const) {
    if (!isIsoCalendarDate(value)) {
      throw ruleBroken('invalid-date', `${field} must be a calendar date written YYYY-MM-DD.`, { field, value });
    }
  }
  const dates = { startsOn: startsOn as string, endsOn: endsOn as string };
  // Valid YYYY-MM-DD strings sort like the dates they name, so no Date arithmetic is needed.
  if (dates.endsOn <= dates.startsOn) {
    throw ruleBroken('cycle-ends-before-it-starts', 'A cycle must end after it starts.', dates);
  }
  return dates;
};

const planCycle = (command: PlanCycle, state: CycleState): CycleEvent[] => {
  if (state.status !== 'empty') {
    throw ruleBroken('cycle-already-planned', `Cycle ${state.name} has already been planned.`, { cycleId: state.id });
  }
  const { cycleId, checkInCadenceDays } = command.data;
  const name = cycleName(command.data.name);
  const { startsOn, endsOn } = cycleDates(command.data.startsOn, command.data.endsOn);
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

/** Renaming and moving dates are planning: once a cycle has started, its name and dates are history. */
const assertNotStarted = (state: PlannedCycle, now: string, change: string): void => {
  const status = cycleStatus(state, now);
  if (status !== 'upcoming') {
    throw ruleBroken('cycle-already-started', `Cycle ${state.name} has started (${status}): it can no longer be ${change}.`, {
      cycleId: state.id,
      status,
    });
  }
};

const renameCycle = (command: RenameCycle, state: PlannedCycle): CycleEvent[] => {
  const to = cycleName(command.data.name);
  if (to === state.name) return [];
  assertNotStarted(state, command.metadata.now, 'renamed');
  return [{ type: 'CycleRenamed', data: { cycleId: state.id, from: state.name, to } }];
};

const rescheduleCycle = (command: RescheduleCycle, state: PlannedCycle): CycleEvent[] => {
  const to = cycleDates(command.data.startsOn, command.data.endsOn);
  if (to.startsOn === state.startsOn && to.endsOn === state.endsOn) return [];
  assertNotStarted(state, command.metadata.now, 'moved');
  const today = calendarDateOf(command.metadata.now);
  if (to.startsOn < today) {
    throw ruleBroken('cycle-starts-in-the-past', `A cycle cannot be moved to start before today (${today}).`, {
      field: 'startsOn',
      value: to.startsOn,
    });
  }
  return [{ type: 'CycleRescheduled', data: { cycleId: state.id, from: { startsOn: state.startsOn, endsOn: state.endsOn }, to } }];
};

const closeCycle = (command: CloseCycle, state: PlannedCycle): CycleEvent[] => {
  const status = cycleStatus(state, command.metadata.now);
  if (status === 'closed') throw ruleBroken('cycle-already-closed', `Cycle ${state.name} is already closed.`, { cycleId: state.id });
  if (status !== 'ended') {
    throw ruleBroken('cycle-not-ended', `Cycle ${state.name} ends on ${state.endsOn}: it can be closed once it has ended.`, {
      cycleId: state.id,
      status,
    });
  }
  const ungradedObjectives = (command.data.ungradedObjectives ?? []).map(({ objectiveId, title, teamId }) => ({ objectiveId, title, teamId }));
  return [{ type: 'CycleClosed', data: { cycleId: state.id, closedAt: command.metadata.now, ungradedObjectives } }];
};

/**
 * Decides what a cycle command means. Throws a rule-broken {@link DomainError}: `cycle-already-planned`,
 * `name-required`, `name-too-long`, `invalid-date`, `cycle-ends-before-it-starts`,
 * `invalid-check-in-cadence`, `cycle-already-started`, `cycle-closed`,
 * `cycle-starts-in-the-past`, `cycle-not-ended`, `cycle-already-closed`; `cycle-not-found` is of kind not-found.
 */
export const decideCycle = (command: CycleCommand, state: CycleState): CycleEvent[] => {
  if (command.type === 'PlanCycle') return planCycle(command, state);
  if (state.status === 'empty') {
    throw notFound('cycle-not-found', 'The cycle does not exist.');
  }
  if (state.status === 'closed' && command.type !== 'CloseCycle') {
    throw ruleBroken('cycle-closed', `Cycle ${state.name} is closed.`, { cycleId: state.id });
  }
  switch (command.type) {
    case 'RenameCycle':
      return renameCycle(command, state);
    case 'RescheduleCycle':
      return rescheduleCycle(command, state);
    case 'CloseCycle':
      return closeCycle(command, state);
    default:
      return unhandledCommand(command);
  }
};

/**
 * Folds one cycle event into the state. Never throws and ignores unknown event types, so replay never
 * stops half-way through a stream.
 */
export const evolveCycle = (state: CycleState, event: CycleEvent): CycleState => {
  if (event.type === 'CyclePlanned') {
    const { cycleId, name, startsOn, endsOn, checkInCadenceDays } = event.data;
    return { status: 'planned', id: cycleId, name, startsOn, endsOn, checkInCadenceDays };
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'CycleRenamed':
      return { ...state, name: event.data.to };
    case 'CycleRescheduled':
      return { ...state, startsOn: event.data.to.startsOn, endsOn: event.data.to.endsOn };
    case 'CycleClosed':
      return { ...state, status: 'closed', closedAt: event.data.closedAt, ungradedObjectives: event.data.ungradedObjectives.map((o) => ({ ...o })) };
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The cycle aggregate as an emmett-style decider, for the generic command handler. */
export const cycleDecider: Decider<CycleState, CycleCommand, CycleEvent> = {
  decide: decideCycle,
  evolve: evolveCycle,
  initialState: initialCycleState,
};
