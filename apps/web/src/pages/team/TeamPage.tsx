import { useQueries } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useCycles, useTeams } from '../../api/directory';
import { useSession } from '../../auth/AuthContext';
import { canWrite } from '../../auth/session';
import { CyclePicker } from '../../ui/CyclePicker';
import { formatNumber } from '../../ui/format';
import { Loading, QueryView } from '../../ui/PageState';
import { okrKeys, reasonsByKeyResult, useAtRisk, useDashboard, type Dashboard } from '../objective/okr-queries';
import { NewObjectiveDialog } from './NewObjectiveDialog';
import { TeamObjectiveCard } from './TeamObjectiveCard';

/**
 * My team (`/teams/:teamId?cycle=<id>`): the team's objectives of one cycle (the current one unless the
 * URL says which) with their key results, progress, confidence and its trend, owners, status and risk.
 */
export function TeamPage() {
  const { teamId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const session = useSession();
  const { teamName } = useTeams();
  const cycles = useCycles();
  const chosen = search.get('cycle') ?? undefined;
  // The picker and the dashboard show the same cycle: the chosen one, else the directory's current one.
  const cycleId = chosen ?? cycles.current?.id;
  const name = teamName(teamId);

  const chooseCycle = (id: string) =>
    setSearch((previous) => {
      const next = new URLSearchParams(previous);
      next.set('cycle', id);
      return next;
    });

  return (
    <section className="team-page">
      <h1>{name}</h1>
      <div className="page-tools">
        <CyclePicker value={chosen} onChange={chooseCycle} />
        {canWrite(session) && <NewObjectiveDialog teamId={teamId} teamName={name} cycleId={cycleId} />}
      </div>
      {cycles.isPending && !chosen ? <Loading what="Loading the team's objectives" /> : <TeamDashboard teamId={teamId} cycleId={cycleId} />}
    </section>
  );
}

function TeamDashboard({ teamId, cycleId }: { teamId: string; cycleId: string | undefined }) {
  const dashboard = useDashboard(teamId, cycleId);
  return (
    <QueryView
      query={dashboard}
      loading="Loading the team's objectives"
      empty="This team has no objectives in this cycle yet."
      isEmpty={(d) => d.objectives.length === 0}
    >
      {(d) => <TeamObjectives dashboard={d} />}
    </QueryView>
  );
}

function TeamObjectives({ dashboard }: { dashboard: Dashboard }) {
  const api = useApi();
  const atRisk = useAtRisk(dashboard.cycleId, dashboard.counts.keyResultsAtRisk > 0);
  // The owner and the last confidences of each objective are in its summary (the dashboard has neither).
  const summaries = useQueries({
    queries: dashboard.objectives.map((o) => ({
      queryKey: okrKeys.summary(o.id),
      queryFn: () => data(api.insights.GET('/api/v1/objectives/{id}/summary', { params: { path: { id: o.id } } })),
    })),
  });
  const risks = reasonsByKeyResult(atRisk.data);
  const { counts } = dashboard;
  return (
    <>
      <p className="team-counts">
        {formatNumber(counts.objectives)} {counts.objectives === 1 ? 'objective' : 'objectives'}
        {dashboard.cycle ? ` in ${dashboard.cycle.name}` : ''} · {formatNumber(counts.keyResultsAtRisk)}{' '}
        {counts.keyResultsAtRisk === 1 ? 'key result' : 'key results'} at risk · {formatNumber(counts.learnings)}{' '}
        {counts.learnings === 1 ? 'learning' : 'learnings'}
      </p>
      <ul className="card-list">
        {dashboard.objectives.map((objective, i) => (
          <TeamObjectiveCard
            key={objective.id}
            objective={objective}
            summary={summaries[i]?.data}
            summaryPending={summaries[i]?.isPending ?? false}
            risks={risks}
          />
        ))}
      </ul>
    </>
  );
}
