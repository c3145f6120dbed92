/**
 * Where a cycle stands at an instant, derived from its dates and whether it was closed: never stored,
 * because time alone moves a cycle from upcoming to active to ended. A cycle starts at 00:00 UTC of
 * `startsOn` and ends at the end of `endsOn` (00:00 UTC the next day); only closing it makes it closed.
 */
export type CycleStatus = 'upcoming' | 'active' | 'ended' | 'closed';

/** What {@link cycleStatus} needs to know about a cycle. */
export interface CycleTimeline {
  startsOn: string;
  endsOn: string;
  /** Set once the cycle was closed. */
  closedAt?: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The first instant of a cycle, in epoch milliseconds. */
const startMillis = (cycle: Pick<CycleTimeline, 'startsOn'>): number => Date.parse(`${cycle.startsOn}T00:00:00Z`);

/** The first instant after a cycle (00:00 UTC the day after `endsOn`), in epoch milliseconds. */
const endMillis = (cycle: Pick<CycleTimeline, 'endsOn'>): number => Date.parse(`${cycle.endsOn}T00:00:00Z`) + DAY_MS;

/** The status of a cycle at `now` (a pure function of its state and the clock). */
export const cycleStatus = (cycle: CycleTimeline, now: Date | string): CycleStatus => {
  if (cycle.closedAt) return 'closed';
  const at = typeof now === 'string' ? Date.parse(now) : now.getTime();
  if (at < startMillis(cycle)) return 'upcoming';
  return at < endMillis(cycle) ? 'active' : 'ended';
};

/** True once the cycle is over (ended or closed): its objectives are no longer judged on pace. */
export const isCycleOver = (cycle: CycleTimeline, now: Date | string): boolean => {
  const status = cycleStatus(cycle, now);
  return status === 'ended' || status === 'closed';
};

/** The UTC calendar date (YYYY-MM-DD) of an instant. */
export const calendarDateOf = (now: string): string => new Date(now).toISOString().slice(0, 10);
