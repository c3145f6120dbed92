import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { allPages } from '../../api/directory';
import { ProblemError } from '../../api/problem';
import type { components as CheckIns } from '../../api/schema/check-ins';
import type { components as Goals } from '../../api/schema/goals';
import type { components as Insights } from '../../api/schema/insights';

export type Dashboard = Insights['schemas']['TeamDashboardDto'];
export type DashboardObjective = Insights['schemas']['DashboardObjectiveDto'];
export type DashboardKeyResult = Insights['schemas']['DashboardKeyResultDto'];
export type Summary = Insights['schemas']['ObjectiveSummaryDto'];
export type SummaryKeyResult = Insights['schemas']['SummaryKeyResultDto'];
export type AtRiskItem = Insights['schemas']['AtRiskItemDto'];
export type Series = Insights['schemas']['KeyResultSeriesDto'];
export type AlignmentNode = Insights['schemas']['AlignmentNodeDto'];
export type Objective = Goals['schemas']['ObjectiveDto'];
export type KeyResult = Goals['schemas']['KeyResultDto'];
export type HistoryEntry = Goals['schemas']['HistoryEntryDto'];
export type CheckIn = CheckIns['schemas']['CheckInItemDto'];
export type ObjectiveLearning = CheckIns['schemas']['LearningItemDto'];

/**
 * Query keys of the team and objective pages, by service: goals and check-ins answer from their own
 * records (current at once), insights from views that follow them (moments later).
 */
export const okrKeys = {
  dashboards: ['insights', 'dashboard'] as const,
  dashboard: (teamId: string, cycleId: string | undefined) => ['insights', 'dashboard', teamId, cycleId ?? 'current'] as const,
  summaries: ['insights', 'summary'] as const,
  summary: (objectiveId: string) => ['insights', 'summary', objectiveId] as const,
  /** `version` (of the summary it is read beside) refetches the list once the summary has caught up with a write. */
  atRisk: (cycleId: string | null | undefined, version?: string) => ['insights', 'at-risk', cycleId ?? 'every cycle', version ?? 'latest'] as const,
  allSeries: ['insights', 'series'] as const,
  series: (keyResultId: string, version?: number) => ['insights', 'series', keyResultId, version ?? 'latest'] as const,
  alignment: ['insights', 'alignment-tree'] as const,
  objective: (objectiveId: string) => ['goals', 'objective', objectiveId] as const,
  history: (objectiveId: string) => ['goals', 'history', objectiveId] as const,
  checkIns: (keyResultId: string) => ['check-ins', 'check-ins', keyResultId] as const,
  learnings: (objectiveId: string) => ['check-ins', 'objective-learnings', objectiveId] as const,
};

/** The If-Match header for a revision the person saw (a 409 then means someone changed it meanwhile). */
export const ifMatch = (revision: number | undefined) => (revision === undefined ? {} : { 'If-Match': `"${revision}"` });

export function useDashboard(teamId: string, cycleId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.dashboard(teamId, cycleId),
    queryFn: () =>
      data(api.insights.GET('/api/v1/teams/{teamId}/dashboard', { params: { path: { teamId }, query: cycleId ? { cycleId } : {} } })),
  });
}

/** The objective as insights sees it; `refetchInterval` polls while it has not caught up with a write (or not seen the objective yet). */
export function useSummary(objectiveId: string, refetchInterval: (summary: Summary | undefined, error: unknown) => number | false) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.summary(objectiveId),
    queryFn: () => data(api.insights.GET('/api/v1/objectives/{id}/summary', { params: { path: { id: objectiveId } } })),
    refetchInterval: (query) => refetchInterval(query.state.data, query.state.error),
  });
}

/** Every key result at risk in a cycle (all pages), with its reasons in words. */
export function useAtRisk(cycleId: string | null | undefined, enabled = true, version?: string) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.atRisk(cycleId, version),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () =>
      allPages((cursor) =>
        data(api.insights.GET('/api/v1/at-risk', { params: { query: { limit: 200, cursor, ...(cycleId ? { cycleId } : {}) } } })),
      ),
  });
}

/** Changes whenever the summary shows a new event of the objective or of one of its key results' check-ins. */
export const summaryVersion = (summary: Summary): string =>
  [summary.revision, ...summary.keyResults.map((kr) => kr.checkInRevision), summary.updatedAt].join('/');

/** The reasons each key result is at risk, by key result id (absent: not at risk). */
export function reasonsByKeyResult(items: readonly AtRiskItem[] | undefined): Map<string, AtRiskItem['reasons']> {
  return new Map((items ?? []).map((item) => [item.keyResultId, item.reasons]));
}

/** A key result's points; `version` (its check-in revision in the summary) refetches them once the summary has caught up. */
export function useSeries(keyResultId: string, version: number | undefined, refetchInterval: (series: Series | undefined) => number | false) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.series(keyResultId, version),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => refetchInterval(query.state.data),
    queryFn: () => data(api.insights.GET('/api/v1/key-results/{krId}/series', { params: { path: { krId: keyResultId } } })),
  });
}

export function useAlignmentTree() {
  const api = useApi();
  return useQuery({ queryKey: okrKeys.alignment, queryFn: () => data(api.insights.GET('/api/v1/alignment-tree', { params: { query: {} } })) });
}

/** The objective as goals records it: always current, with the revision to send as If-Match. */
export function useObjective(objectiveId: string) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.objective(objectiveId),
    queryFn: () => data(api.goals.GET('/api/v1/objectives/{id}', { params: { path: { id: objectiveId }, query: {} } })),
  });
}

export function useHistory(objectiveId: string) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.history(objectiveId),
    queryFn: () =>
      allPages((cursor) =>
        data(api.goals.GET('/api/v1/objectives/{id}/history', { params: { path: { id: objectiveId }, query: { limit: 200, cursor } } })),
      ),
  });
}

/** A key result's check-ins (notes and blockers included) and the revision of its check-in record. */
export function useCheckIns(keyResultId: string) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.checkIns(keyResultId),
    queryFn: async () => {
      const items: CheckIn[] = [];
      let cursor: string | undefined;
      let revision: number | undefined;
      do {
        const next = await data(
          api.checkIns.GET('/api/v1/key-results/{krId}/check-ins', { params: { path: { krId: keyResultId }, query: { limit: 200, cursor } } }),
        );
        items.push(...next.items);
        revision = next.revision ?? revision;
        cursor = next.nextCursor ?? undefined;
      } while (cursor);
      return { items, revision };
    },
  });
}

/** The objective's learnings; none while check-ins has not heard of the objective yet (its 404). */
export function useObjectiveLearnings(objectiveId: string, refetchInterval: (learnings: ObjectiveLearning[] | undefined) => number | false) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.learnings(objectiveId),
    queryFn: () =>
      allPages((cursor) =>
        data(api.checkIns.GET('/api/v1/objectives/{id}/learnings', { params: { path: { id: objectiveId }, query: { limit: 200, cursor } } })),
      ).catch((error: unknown) => {
        if (error instanceof ProblemError && error.status === 404) return [];
        throw error;
      }),
    refetchInterval: (query) => refetchInterval(query.state.data),
  });
}

/** Everything that shows an objective, after a write to it: its record and history, and the views of insights. */
export function invalidateObjective(queryClient: QueryClient, objectiveId: string) {
  void queryClient.invalidateQueries({ queryKey: okrKeys.summary(objectiveId) });
  void queryClient.invalidateQueries({ queryKey: okrKeys.objective(objectiveId) });
  void queryClient.invalidateQueries({ queryKey: okrKeys.history(objectiveId) });
  void queryClient.invalidateQueries({ queryKey: okrKeys.dashboards });
  void queryClient.invalidateQueries({ queryKey: ['insights', 'at-risk'] });
  void queryClient.invalidateQueries({ queryKey: okrKeys.allSeries });
  void queryClient.invalidateQueries({ queryKey: okrKeys.alignment });
}
