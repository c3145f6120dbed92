import type { Command, DomainEvent } from '../shared/envelope';

export const CYCLE_CATEGORY = 'cycle';

/** Dates of a cycle: ISO calendar dates (YYYY-MM-DD), `endsOn` inclusive. */
export type CycleDates = { startsOn: string; endsOn: string };

/** An objective that was neither graded nor carried over when its cycle closed. */
export type UngradedObjective = { objectiveId: string; title: string; teamId: string };

/** A named period (e.g. "2026-Q4") with a check-in cadence. Dates are ISO calendar dates (YYYY-MM-DD). */
export type CyclePlanned = DomainEvent<
  'CyclePlanned',
  { cycleId: string; name: string; startsOn: string; endsOn: string; checkInCadenceDays: number }
>;
export type CycleRenamed = DomainEvent<'CycleRenamed', { cycleId: string; from: string; to: string }>;
export type CycleRescheduled = DomainEvent<'CycleRescheduled', { cycleId: string; from: CycleDates; to: CycleDates }>;
/** The cycle is over for good: `ungradedObjectives` is what its teams had not graded (nor carried over) then. */
export type CycleClosed = DomainEvent<
  'CycleClosed',
  { cycleId: string; closedAt: string; ungradedObjectives: UngradedObjective[] }
>;
export type CycleEvent = CyclePlanned | CycleRenamed | CycleRescheduled | CycleClosed;

export type PlanCycle = Command<
  'PlanCycle',
  { cycleId: string; name: string; startsOn: string; endsOn: string; checkInCadenceDays: number }
>;
export type RenameCycle = Command<'RenameCycle', { name: string }>;
export type RescheduleCycle = Command<'RescheduleCycle', CycleDates>;
/** `ungradedObjectives` is found by the application (it spans streams); the decider records it. */
export type CloseCycle = Command<'CloseCycle', { ungradedObjectives: UngradedObjective[] }>;
export type CycleCommand = PlanCycle | RenameCycle | RescheduleCycle | CloseCycle;
