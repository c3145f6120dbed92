import { useId } from 'react';
import { Link } from 'react-router';
import type { Cycle } from '../../api/directory';
import { formatConfidence, formatDate, formatNumber } from '../../ui/format';
import { ErrorState } from '../../ui/PageState';
import type { Written } from './catch-up';
import { CheckInDialog } from './CheckInDialog';
import { CorrectCheckInDialog } from './CorrectCheckInDialog';
import { KeyResultChart } from './KeyResultChart';
import { ReviseTargetDialog } from './ReviseTargetDialog';
import { Confidence, KIND_LABELS, ProgressBar, RiskBadge, describeTarget, formatKeyResultValue, targetOf } from './okr-ui';
import { useCheckIns, useSeries, type AtRiskItem, type KeyResult, type Objective, type Series, type SummaryKeyResult } from './okr-queries';
import { personName } from '../../ui/people';

/**
 * One key result: what it aims at, where it is (latest value, progress, confidence and its trend, risk),
 * its chart, its check-ins, and the forms to check in, correct a check-in and revise the target.
 */
export function KeyResultSection({
  objective,
  keyResult: kr,
  summary,
  reasons,
  cycle,
  writable,
  written,
  reload,
  seriesInterval,
}: {
  objective: Objective;
  keyResult: KeyResult;
  summary: SummaryKeyResult | undefined;
  reasons: AtRiskItem['reasons'] | undefined;
  cycle: Cycle | undefined;
  writable: boolean;
  written: (write: Written) => void;
  reload: () => void;
  seriesInterval: (expected: number) => (series: Series | undefined) => number | false;
}) {
  const headingId = useId();
  const series = useSeries(kr.id, summary?.checkInRevision, seriesInterval(summary?.checkIns.length ?? 0));
  const checkIns = useCheckIns(kr.id);
  const closed = objective.status === 'closed' || objective.status === 'archived';
  return (
    <section className="card kr-section" aria-labelledby={headingId}>
      <h3 id={headingId} className="card-title">
        {kr.title}
      </h3>
      <p className="card-meta">
        {KIND_LABELS[kr.kind]}
        {kr.kind !== 'milestone' && ` · target ${describeTarget(kr.kind, targetOf(kr), kr.unit)}`}
        {kr.start !== undefined && ` · started at ${formatKeyResultValue(kr.start, kr.unit)}`}
        {` · Owner: ${personName(kr.ownerId ?? objective.ownerId)}`}
      </p>
      {summary && (
        <p className="kr-figures">
          <span>
            Latest: {summary.value === null ? 'no check-in yet' : formatKeyResultValue(summary.value, kr.unit)}
            {summary.latestEffectiveAt && ` (as of ${formatDate(summary.latestEffectiveAt)})`}
          </span>
          <ProgressBar progress={summary.progress} label={`Progress of ${kr.title}`} />
          <span>
            Confidence: <Confidence value={summary.confidence} recent={summary.recentConfidences} />
          </span>
        </p>
      )}
      <RiskBadge reasons={reasons} />
      {writable && !closed && (
        <div className="kr-actions">
          <CheckInDialog objective={objective} keyResult={kr} revision={checkIns.data?.revision} written={written} reload={reload} />
          {kr.kind !== 'milestone' && <ReviseTargetDialog objective={objective} keyResult={kr} written={written} reload={reload} />}
        </div>
      )}
      <KeyResultChart keyResult={kr} series={series} cycle={cycle} />
      <details className="check-ins">
        <summary>Check-ins{checkIns.data ? ` (${formatNumber(checkIns.data.items.length)})` : ''}</summary>
        {checkIns.isError && <ErrorState error={checkIns.error} retry={() => void checkIns.refetch()} />}
        {checkIns.data && checkIns.data.items.length === 0 && <p className="state state-empty">No check-ins yet.</p>}
        {checkIns.data && checkIns.data.items.length > 0 && (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Check-ins of {kr.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Describes</th>
                  <th scope="col">Value</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Note and blockers</th>
                  {writable && !closed && <th scope="col">Change</th>}
                </tr>
              </thead>
              <tbody>
                {checkIns.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      {formatDate(c.effectiveAt)}
                      {c.corrections > 0 && <span className="hint"> (corrected)</span>}
                    </td>
                    <td>{formatKeyResultValue(c.value, kr.unit)}</td>
                    <td>{c.confidence === undefined ? `from ${c.source ?? 'a data source'}` : formatConfidence(c.confidence)}</td>
                    <td>
                      {c.note}
                      {c.blockers && c.blockers.length > 0 && <span className="blockers"> Blockers: {c.blockers.join('; ')}</span>}
                    </td>
                    {writable && !closed && (
                      <td>
                        {c.confidence !== undefined && (
                          <CorrectCheckInDialog objective={objective} keyResult={kr} checkIn={c} revision={checkIns.data.revision} written={written} reload={reload} />
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
      {/* Its check-ins and their corrections; what changed its definition is in the objective's trail. */}
      <p>
        <Link to={`/audit/key-result/${encodeURIComponent(kr.id)}`}>Audit trail of {kr.title}</Link>
      </p>
    </section>
  );
}
