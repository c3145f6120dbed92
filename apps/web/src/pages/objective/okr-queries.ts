import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { allPages } from '../../api/directory';
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
  atRisk: (cycleId: string | null | undefined) => ['insights', 'at-risk', cycleId ?? 'every cycle'] as const,
  allSeries: ['insights', 'series'] as const,
  series: (keyResultId: string) => ['insights', 'series', keyResultId] as const,
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

export function useSummary(objectiveId: string, options: { refetchInterval?: (summary: Summary | undefined) => number | false } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.summary(objectiveId),
    queryFn: () => data(api.insights.GET('/api/v1/objectives/{id}/summary', { params: { path: { id: objectiveId } } })),
    refetchInterval: options.refetchInterval ? (query) => options.refetchInterval?.(query.state.data) ?? false : undefined,
  });
}

/** Every key result at risk in a cycle (all pages), with its reasons in words. */
export function useAtRisk(cycleId: string | null | undefined, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.atRisk(cycleId),
    enabled,
    queryFn: () =>
      allPages((cursor) =>
        data(api.insights.GET('/api/v1/at-risk', { params: { query: { limit: 200, cursor, ...(cycleId ? { cycleId } : {}) } } })),
      ),
  });
}

/** The reasons each key result is at risk, by key result id (absent: not at risk). */
export function reasonsByKeyResult(items: readonly AtRiskItem[] | undefined): Map<string, AtRiskItem['reasons']> {
  return new Map((items ?? []).map((item) => [item.keyResultId, item.reasons]));
}

export function useSeries(keyResultId: string) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.series(keyResultId),
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

export function useObjectiveLearnings(objectiveId: string) {
  const api = useApi();
  return useQuery({
    queryKey: okrKeys.learnings(objectiveId),
    queryFn: () =>
      allPages((cursor) =>
        data(api.checkIns.GET('/api/v1/objectives/{id}/learnings', { params: { path: { id: objectiveId }, query: { limit: 200, cursor } } })),
      ),
  });
}

/** What insights shows of an objective once it has caught up with a write (dashboards, at-risk list, charts). */
export function invalidateViews(queryClient: QueryClient, objectiveId: string) {
  void queryClient.invalidateQueries({ queryKey: okrKeys.summary(objectiveId) });
  void queryClient.invalidateQueries({ queryKey: okrKeys.dashboards });
  void queryClient.invalidateQueries({ queryKey: ['insights', 'at-risk'] });
  void queryClient.invalidateQueries({ queryKey: okrKeys.allSeries });
  void queryClient.invalidateQueries({ queryKey: okrKeys.alignment });
}
