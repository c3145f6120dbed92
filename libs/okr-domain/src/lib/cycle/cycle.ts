import type { Command, DomainEvent } from '../shared/envelope';

export const CYCLE_CATEGORY = 'cycle';

/** A named period (e.g. "2026-Q4") with a check-in cadence. Dates are ISO calendar dates (YYYY-MM-DD). */
export type CyclePlanned = DomainEvent<
  'CyclePlanned',
  { cycleId: string; name: string; startsOn: string; endsOn: string; checkInCadenceDays: number }
>;
export type CycleEvent = CyclePlanned;

export type PlanCycle = Command<
  'PlanCycle',
  { cycleId: string; name: string; startsOn: string; endsOn: string; checkInCadenceDays: number }
>;
export type CycleCommand = PlanCycle;
