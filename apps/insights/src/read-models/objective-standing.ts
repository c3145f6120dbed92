import { cycleStatus, type CycleStatus } from '@okr/okr-domain';
import type { ObjectiveSummaryDoc } from '../projections';
import type { CycleDoc } from './cycles.read-model';

/**
 * Where an objective stands for a person reading a dashboard, its own status and its cycle's together:
 * once the cycle has ended (or was closed) an objective that was not graded is `ended-not-graded`
 * (not "behind pace": the quarter is over), or `carried-over` when the team goes on with it in a later
 * cycle; graded and archived objectives are `graded` and `archived`; otherwise its status.
 */
export const OBJECTIVE_STANDINGS = ['draft', 'active', 'ended-not-graded', 'carried-over', 'graded', 'archived', 'unknown'] as const;
export type ObjectiveStanding = (typeof OBJECTIVE_STANDINGS)[number];

export const objectiveStanding = (
  summary: Pick<ObjectiveSummaryDoc, 'status' | 'carriedOverTo'>,
  cycle: Pick<CycleDoc, 'startsOn' | 'endsOn' | 'closedAt'> | null | undefined,
  now: Date,
): ObjectiveStanding => {
  if (summary.status === 'closed') return 'graded';
  if (summary.status === 'archived') return 'archived';
  if (summary.carriedOverTo) return 'carried-over';
  if (summary.status !== 'unknown' && cycle) {
    const status = cycleStatus(cycle, now);
    if (status === 'ended' || status === 'closed') return 'ended-not-graded';
  }
  return summary.status;
};

/** A cycle as an answer names it: id, name and status now (null when the view does not know it yet). */
export interface CycleLabel {
  id: string;
  name: string;
  status: CycleStatus;
}

export function cycleLabel(cycle: CycleDoc, now: Date): CycleLabel;
export function cycleLabel(cycle: CycleDoc | null | undefined, now: Date): CycleLabel | null;
export function cycleLabel(cycle: CycleDoc | null | undefined, now: Date): CycleLabel | null {
  return cycle ? { id: cycle._id, name: cycle.name, status: cycleStatus(cycle, now) } : null;
}

/**
 * The cycle a dashboard shows when none is asked for: the active one (the latest started, if several
 * overlap), else the latest that has started (ended or closed), else the next upcoming; undefined when
 * there is none.
 */
export const currentCycleOf = <C extends CycleDoc>(cycles: Iterable<C>, now: Date): C | undefined => {
  const all = [...cycles];
  const latestStarted = (statuses: CycleStatus[]) =>
    all.filter((c) => statuses.includes(cycleStatus(c, now))).sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
  return (
    latestStarted(['active']) ??
    latestStarted(['ended', 'closed']) ??
    all.filter((c) => cycleStatus(c, now) === 'upcoming').sort((a, b) => a.startsOn.localeCompare(b.startsOn))[0]
  );
};
