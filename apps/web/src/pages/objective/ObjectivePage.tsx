import { useMutation } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useCycles, useTeams } from '../../api/directory';
import { ProblemError } from '../../api/problem';
import { useSession } from '../../auth/AuthContext';
import { canWrite } from '../../auth/session';
import { formatPercent } from '../../ui/format';
import { ErrorState, Loading } from '../../ui/PageState';
import { useCatchUp, type Written } from './catch-up';
import { ProblemMessage, formProblem } from './form-kit';
import { KeyResultSection } from './KeyResultSection';
import { LearningDialog } from './LearningDialog';
import { ObjectiveAlignment } from './ObjectiveAlignment';
import { ObjectiveHistory } from './ObjectiveHistory';
import { ObjectiveLearnings } from './ObjectiveLearnings';
import { Confidence, ProgressBar, standingLabel } from './okr-ui';
import { ifMatch, reasonsByKeyResult, summaryVersion, useAtRisk, useObjective, useSummary, type Objective } from './okr-queries';
import { personName } from '../../ui/people';

/**
 * An objective (`/objectives/:objectiveId`): what it is and where it stands, each key result's values
 * against its target and the expected pace, the forms to check in, correct, revise and learn, its
 * learnings, alignment and history. Goals' record (current at once, with the revision for If-Match)
 * gives its words and targets; insights' summary, moments later, its values, progress and confidence.
 */
export function ObjectivePage() {
  const { objectiveId = '' } = useParams();
  const objective = useObjective(objectiveId);
  if (objective.isPending) return <Loading what="Loading the objective" />;
  if (objective.isError) {
    // The service's own 404 sentence names the id; a person gets it in words.
    if (objective.error instanceof ProblemError && objective.error.status === 404) {
      return <ErrorState error={new Error('This objective does not exist, or it belongs to another organisation.')} />;
    }
    return <ErrorState error={objective.error} retry={() => void objective.refetch()} />;
  }
  return <ObjectiveView objective={objective.data} />;
}

function ObjectiveView({ objective }: { objective: Objective }) {
  const writable = canWrite(useSession());
  const teams = useTeams();
  const cycles = useCycles();
  const catchUp = useCatchUp(objective.id);
  const summary = useSummary(objective.id, catchUp.summaryInterval);
  const cycle = cycles.data?.find((c) => c.id === objective.cycleId);
  const atRisk = useAtRisk(objective.cycleId, objective.status === 'active', summary.data && summaryVersion(summary.data));
  const risks = reasonsByKeyResult(atRisk.data?.filter((item) => item.objectiveId === objective.id));
  const krSummaries = new Map((summary.data?.keyResults ?? []).map((kr) => [kr.id, kr]));
  const notSeenYet = summary.error instanceof ProblemError && summary.error.status === 404;
  const active = objective.keyResults.filter((kr) => kr.status === 'active');
  // Goals' status is current; insights' standing adds what the clock says (ended, not graded; carried over).
  const standing = objective.status === 'active' && summary.data?.status === 'active' ? summary.data.standing : objective.status;

  return (
    <article className="objective-page">
      <h1>{objective.title}</h1>
      <p className="card-meta">
        Team: <Link to={`/teams/${encodeURIComponent(objective.teamId)}`}>{teams.data ? teams.teamName(objective.teamId) : (summary.data?.teamName ?? objective.teamId)}</Link> · Owner: {personName(objective.ownerId)} · Cycle:{' '}
        {cycle?.name ?? summary.data?.cycle?.name ?? '…'} · Status: {standingLabel(standing)}
      </p>
      {objective.description && <p>{objective.description}</p>}
      {objective.grade && (
        <p className="grade">
          Graded {formatPercent(objective.grade.overallGrade)}. Retrospective: {objective.grade.retrospective}
        </p>
      )}
      <div className="objective-figures">
        {summary.data && (
          <>
            <ProgressBar progress={summary.data.progress} label={`Progress of ${objective.title}`} />
            <span>
              Lowest confidence: <Confidence value={summary.data.confidence} />
            </span>
          </>
        )}
        <Link to={`/audit/objective/${objective.id}`}>Audit trail</Link>
        {writable && objective.status === 'draft' && <ActivateButton objective={objective} written={catchUp.written} reload={catchUp.reload} />}
      </div>
      {notSeenYet && <p className="hint">Progress and charts appear as soon as the views have caught up with this objective.</p>}
      {summary.isError && !notSeenYet && <ErrorState error={summary.error} retry={() => void summary.refetch()} />}

      <h2>Key results</h2>
      {active.length === 0 && <p className="state state-empty">No key results yet.</p>}
      {active.map((kr) => (
        <KeyResultSection
          key={kr.id}
          objective={objective}
          keyResult={kr}
          summary={krSummaries.get(kr.id)}
          reasons={risks.get(kr.id)}
          cycle={cycle}
          writable={writable}
          written={catchUp.written}
          reload={catchUp.reload}
          seriesInterval={catchUp.seriesInterval}
        />
      ))}
      {objective.keyResults
        .filter((kr) => kr.status === 'dropped')
        .map((kr) => (
          <p key={kr.id} className="hint">
            Dropped: {kr.title}
            {kr.droppedReason ? ` (${kr.droppedReason})` : ''}
          </p>
        ))}

      <section aria-labelledby="learnings-heading">
        <h2 id="learnings-heading">Learnings</h2>
        {writable && <LearningDialog objective={objective} written={catchUp.written} />}
        <ObjectiveLearnings objective={objective} refetchInterval={catchUp.learningsInterval} />
      </section>
      <ObjectiveAlignment objective={objective} />
      <ObjectiveHistory objective={objective} />
    </article>
  );
}

/** A draft objective becomes active (its check-ins then count for risk); the domain wants a key result first. */
function ActivateButton({ objective, written, reload }: { objective: Objective; written: (write: Written) => void; reload: () => void }) {
  const api = useApi();
  const mutation = useMutation({
    mutationFn: () =>
      data(api.goals.POST('/api/v1/objectives/{id}/activation', { params: { path: { id: objective.id }, header: ifMatch(objective.revision) } })),
    onSuccess: (answer) => written({ objectiveRevision: answer.revision }),
  });
  return (
    <span>
      <button type="button" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
        Activate
      </button>
      <ProblemMessage problem={formProblem(mutation.error, [])} onReload={() => {
          mutation.reset();
          reload();
        }} />
    </span>
  );
}
