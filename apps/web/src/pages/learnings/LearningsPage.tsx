import { useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useCycles, useTeams } from '../../api/directory';
import { useObjectiveNames } from '../../api/objective-names';
import type { components } from '../../api/schema/insights';
import { formatNumber } from '../../ui/format';
import { Empty, Loading } from '../../ui/PageState';
import { itemsOf, PAGE_SIZE, PagedView, usePagedList } from '../../ui/PagedList';
import { filtersFrom, LearningFilters, type LearningFilterValues } from './LearningFilters';
import { LearningItem, type Learning } from './LearningItem';

type Stats = components['schemas']['LearningStatsDto'];
type LearningsPage = { items: Learning[]; nextCursor: string | null; stats: Stats };

/**
 * Every learning of the organisation, newest first, filtered by result, tag, team and cycle (kept in the
 * URL, so a filtered list can be shared and the back button undoes a filter), with totals over all pages.
 */
export function LearningsPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const { teamName } = useTeams();
  const cycles = useCycles();
  // The URL names the cycle (readable, stable to share); the service filters by its id.
  const cycle = filters.cycle ? cycles.data?.find((c) => c.name === filters.cycle) : undefined;
  const cycleUnknown = filters.cycle !== undefined && cycles.isSuccess && !cycle;
  const waitsForCycle = filters.cycle !== undefined && !cycle;

  const query = usePagedList<LearningsPage>(['learnings', { ...filters, cycleId: cycle?.id }], (cursor) =>
    data(
      api.insights.GET('/api/v1/learnings', {
        params: {
          query: {
            limit: PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
            ...(filters.result ? { result: filters.result } : {}),
            ...(filters.tag ? { tag: filters.tag } : {}),
            ...(filters.team ? { teamId: filters.team } : {}),
            ...(cycle ? { cycleId: cycle.id } : {}),
          },
        },
      }),
    ),
    { enabled: !waitsForCycle },
  );
  const learnings = itemsOf(query.data);
  const names = useObjectiveNames(learnings.map((l) => l.objectiveId));
  const stats = query.data?.pages[0]?.stats;

  const change = (next: LearningFilterValues) => setParams(new URLSearchParams(Object.entries(next) as [string, string][]));

  return (
    <section className="learnings">
      <h1>Learnings</h1>
      <p className="hint">What teams tried and what they found out. A hypothesis proven wrong is knowledge gained, and counts as a learning.</p>
      <LearningFilters value={filters} knownTags={Object.keys(stats?.byTag ?? {}).sort()} onChange={change} />
      {cycleUnknown ? (
        <Empty>No cycle is named “{filters.cycle}”. Choose another cycle.</Empty>
      ) : waitsForCycle ? (
        <Loading what="Loading the cycles" />
      ) : (
        <>
          {stats && stats.learnings > 0 && <StatsSummary stats={stats} />}
          <PagedView<Learning, LearningsPage> query={query} loading="Loading the learnings" empty="No learning matches these filters yet.">
            {(items) => (
              <ul className="card-list" aria-label="Learnings">
                {items.map((learning) => (
                  <LearningItem
                    key={learning.id}
                    learning={learning}
                    names={{
                      objectiveTitle: names.objectiveTitle(learning.objectiveId),
                      keyResultTitles: learning.keyResultIds.flatMap((id) => names.keyResultTitle(id) ?? []),
                      teamName: learning.teamId ? teamName(learning.teamId) : undefined,
                    }}
                  />
                ))}
              </ul>
            )}
          </PagedView>
        </>
      )}
    </section>
  );
}

function StatsSummary({ stats }: { stats: Stats }) {
  const n = (value: number) => formatNumber(value, 0);
  return (
    <section className="stats-summary" aria-label="Summary">
      {n(stats.learnings)} {stats.learnings === 1 ? 'learning' : 'learnings'}: {n(stats.byResult.validated)} validated,{' '}
      {n(stats.byResult.invalidated)} invalidated (learned), {n(stats.byResult.inconclusive)} inconclusive; {n(stats.conclusive)} with a clear answer,{' '}
      {n(stats.evidence)} {stats.evidence === 1 ? 'piece' : 'pieces'} of customer evidence.
    </section>
  );
}
