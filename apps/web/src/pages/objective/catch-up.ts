import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { ProblemError } from '../../api/problem';
import { invalidateObjective, okrKeys, type ObjectiveLearning, type Series, type Summary } from './okr-queries';

/**
 * Goals and check-ins answer a write with the revision it made; insights shows it moments later. After a
 * write the page polls the views it reads until they show that revision (then the at-risk list and the
 * charts, keyed by the summary's revisions, fetch again), and stops: no sleeping, no polling when idle.
 */

/** What a write made, as its answer says. */
export type Written =
  | { objectiveRevision: number }
  | { keyResultId: string; checkInRevision: number }
  | { learningId: string };

interface Awaited {
  objectiveRevision: number;
  checkIns: Record<string, number>;
  learnings: string[];
  since: number;
}

const POLL_MS = 500;
/** Past this, a view that has not caught up is left as it is (the person can reload). */
const GIVE_UP_MS = 60_000;

export function useCatchUp(objectiveId: string) {
  const queryClient = useQueryClient();
  const [awaited, setAwaited] = useState<Awaited>(() => ({ objectiveRevision: -1, checkIns: {}, learnings: [], since: Date.now() }));

  const written = useCallback(
    (write: Written) => {
      setAwaited((a) => {
        const since = Date.now();
        if ('objectiveRevision' in write) return { ...a, objectiveRevision: Math.max(a.objectiveRevision, write.objectiveRevision), since };
        if ('learningId' in write) return { ...a, learnings: [...a.learnings, write.learningId], since };
        return { ...a, checkIns: { ...a.checkIns, [write.keyResultId]: Math.max(a.checkIns[write.keyResultId] ?? -1, write.checkInRevision) }, since };
      });
      invalidateObjective(queryClient, objectiveId);
      if ('keyResultId' in write) void queryClient.invalidateQueries({ queryKey: okrKeys.checkIns(write.keyResultId) });
      if ('learningId' in write) void queryClient.invalidateQueries({ queryKey: okrKeys.learnings(objectiveId) });
    },
    [objectiveId, queryClient],
  );

  const polling = () => Date.now() - awaited.since < GIVE_UP_MS;

  /** Whether the summary does not show every write of this page yet. */
  const summaryBehind = (summary: Summary | undefined): boolean =>
    summary !== undefined &&
    (summary.revision < awaited.objectiveRevision ||
      Object.entries(awaited.checkIns).some(([kr, revision]) => (summary.keyResults.find((k) => k.id === kr)?.checkInRevision ?? -1) < revision));

  /** After a 409: show what the other person changed. */
  const reload = useCallback(() => {
    invalidateObjective(queryClient, objectiveId);
    void queryClient.invalidateQueries({ queryKey: ['check-ins'] });
  }, [objectiveId, queryClient]);

  return {
    written,
    reload,
    /** Poll the summary while it is behind, or while insights has not heard of the objective yet (404). */
    summaryInterval: (summary: Summary | undefined, error: unknown): number | false => {
      if (!polling()) return false;
      if (error instanceof ProblemError && error.status === 404) return POLL_MS;
      return summaryBehind(summary) ? POLL_MS : false;
    },
    /** Poll a key result's series until it has as many points as its summary has check-ins. */
    seriesInterval: (expected: number) => (series: Series | undefined): number | false =>
      polling() && series !== undefined && series.points.length < expected ? POLL_MS : false,
    /** Poll the objective's learnings until each one captured here is listed. */
    learningsInterval: (learnings: ObjectiveLearning[] | undefined): number | false =>
      polling() && learnings !== undefined && awaited.learnings.some((id) => !learnings.some((l) => l.id === id)) ? POLL_MS : false,
  };
}
