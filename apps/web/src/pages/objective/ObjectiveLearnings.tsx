import { Link } from 'react-router';
import { formatDate } from '../../ui/format';
import { QueryView } from '../../ui/PageState';
import { useObjectiveLearnings, type Objective, type ObjectiveLearning } from './okr-queries';

const RESULT_BADGES: Record<ObjectiveLearning['result'], { label: string; className: string }> = {
  validated: { label: 'Validated', className: 'badge badge-ok' },
  // An invalidated hypothesis is knowledge gained: its own calm colour, never the error red.
  invalidated: { label: 'Invalidated', className: 'badge badge-learned' },
  inconclusive: { label: 'Inconclusive', className: 'badge badge-neutral' },
};

/** The objective's learnings, newest first: the result, what was learned, the key results it is about. */
export function ObjectiveLearnings({ objective, refetchInterval }: { objective: Objective; refetchInterval: (l: ObjectiveLearning[] | undefined) => number | false }) {
  const learnings = useObjectiveLearnings(objective.id, refetchInterval);
  const titles = new Map(objective.keyResults.map((kr) => [kr.id, kr.title]));
  return (
    <QueryView query={learnings} loading="Loading the learnings" empty="No learnings yet." isEmpty={(items) => items.length === 0}>
      {(items) => (
        <ul className="card-list">
          {[...items]
            .sort((a, b) => b.capturedAt.localeCompare(a.capturedAt))
            .map((learning) => {
              const badge = RESULT_BADGES[learning.result];
              const about = learning.keyResultIds.map((id) => titles.get(id)).filter((t): t is string => !!t);
              return (
                <li key={learning.id} className="card">
                  <p className="card-meta">
                    <span className={badge.className}>{badge.label}</span> · captured {formatDate(learning.capturedAt)}
                    {about.length > 0 && ` · about ${about.join(', ')}`}
                  </p>
                  <p>{learning.insight}</p>
                  <Link to={`/audit/learning/${learning.id}`}>History of this learning</Link>
                </li>
              );
            })}
        </ul>
      )}
    </QueryView>
  );
}
