import { Link } from 'react-router';
import { formatDateTime } from '../../ui/format';
import { Confidence, ProgressBar, RiskBadge, describeTarget, formatKeyResultValue, standingLabel } from '../objective/okr-ui';
import type { AtRiskItem, DashboardObjective, Summary } from '../objective/okr-queries';
import { personName } from '../../ui/people';

/**
 * One objective of the team: its status, owner, progress, lowest confidence and risk, then each key
 * result with its latest value against its target, progress, confidence and its trend, and every reason
 * it is at risk. The owner and the confidence trend come from the objective's summary (`summary`),
 * which loads after the dashboard.
 */
export function TeamObjectiveCard({
  objective,
  summary,
  summaryPending,
  risks,
}: {
  objective: DashboardObjective;
  summary: Summary | undefined;
  summaryPending: boolean;
  risks: Map<string, AtRiskItem['reasons']>;
}) {
  const byId = new Map((summary?.keyResults ?? []).map((kr) => [kr.id, kr]));
  const objectiveRisks = objective.keyResults.some((kr) => risks.has(kr.id));
  return (
    <li className="card objective-card">
      <h2 className="card-title">
        <Link to={`/objectives/${objective.id}`}>{objective.title}</Link>
      </h2>
      <p className="card-meta">
        <span className="badge badge-neutral">{standingLabel(objective.standing)}</span>
        {' · '}Owner: {summary ? personName(summary.ownerId) : summaryPending ? '…' : '—'}
        {objective.lastCheckInAt && ` · Last check-in ${formatDateTime(objective.lastCheckInAt)}`}
      </p>
      <div className="objective-figures">
        <ProgressBar progress={objective.progress} label={`Progress of ${objective.title}`} />
        <span>
          Lowest confidence: <Confidence value={objective.confidence} />
        </span>
        {objective.atRisk && !objectiveRisks && <RiskBadge reasons={undefined} atRisk />}
      </div>
      {objective.keyResults.length === 0 ? (
        <p className="hint">No key results yet.</p>
      ) : (
        <ul className="kr-list" aria-label={`Key results of ${objective.title}`}>
          {objective.keyResults.map((kr) => {
            const detail = byId.get(kr.id);
            return (
              <li key={kr.id} className="kr-row">
                <h3 className="kr-title">{kr.title}</h3>
                <p className="kr-figures">
                  <ProgressBar progress={kr.progress} label={`Progress of ${kr.title}`} />
                  <span>
                    {kr.value === null ? 'No check-in yet' : formatKeyResultValue(kr.value, kr.unit)} · target {describeTarget(kr.kind, kr.target, kr.unit)}
                  </span>
                  <span>
                    Confidence: <Confidence value={kr.confidence} recent={detail?.recentConfidences ?? []} />
                  </span>
                  {detail?.ownerId && <span>Owner: {personName(detail.ownerId)}</span>}
                </p>
                <RiskBadge reasons={risks.get(kr.id)} />
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}
