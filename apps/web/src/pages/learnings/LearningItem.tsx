import { Link } from 'react-router';
import type { components } from '../../api/schema/insights';
import { formatDate } from '../../ui/format';

export type Learning = components['schemas']['LearningFeedItemDto'];

const EVIDENCE_KINDS: Record<Learning['evidence'][number]['kind'], string> = {
  'customer-interview': 'Customer interview',
  'usage-data': 'Usage data',
  'analytics-view': 'Analytics',
  survey: 'Survey',
  'support-tickets': 'Support tickets',
  'crm-record': 'CRM record',
  other: 'Other evidence',
};

/**
 * How each result reads. An invalidated hypothesis is progress (the team now knows), so it gets its own
 * calm badge and "Learned:", never the colour of an error.
 */
const RESULT_VIEW: Record<Learning['result'], { badge: string; className: string; lead: string }> = {
  validated: { badge: 'Validated', className: 'badge badge-ok', lead: 'Confirmed' },
  invalidated: { badge: 'Hypothesis invalidated: learned', className: 'badge badge-learned', lead: 'Learned' },
  inconclusive: { badge: 'Inconclusive', className: 'badge badge-neutral', lead: 'So far' },
};

export interface LearningNames {
  objectiveTitle: string | undefined;
  keyResultTitles: string[];
  teamName: string | undefined;
}

/** One learning: what was tried, what was learned, the next step, the customer evidence, and what it is about. */
export function LearningItem({ learning, names }: { learning: Learning; names: LearningNames }) {
  const view = RESULT_VIEW[learning.result];
  return (
    <li className={`card learning learning-${learning.result}`}>
      <p className="card-meta">
        <span className={view.className}>{view.badge}</span> {learning.tags.map((t) => `#${t}`).join(' ')}
      </p>
      <h2 className="card-title">
        {view.lead}: {learning.insight}
      </h2>
      <dl className="learning-body">
        <dt>Tried</dt>
        <dd>
          {learning.tried}
          {learning.approach ? ` (${learning.approach === 'experiment' ? 'an experiment' : 'a hypothesis'})` : ''}
        </dd>
        <dt>Next step</dt>
        <dd>{learning.nextStep ?? 'None decided yet'}</dd>
        <dt>Customer evidence</dt>
        <dd>
          {learning.evidence.length === 0 ? (
            'None recorded'
          ) : (
            <ul className="evidence">
              {learning.evidence.map((e, i) => (
                <li key={i}>
                  <strong>{EVIDENCE_KINDS[e.kind] ?? 'Evidence'}:</strong> {e.summary}
                  {e.link && (
                    <>
                      {' '}
                      <a href={e.link} target="_blank" rel="noreferrer">
                        source
                      </a>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <p className="card-meta">
        {learning.objectiveId ? (
          <Link to={`/objectives/${encodeURIComponent(learning.objectiveId)}`}>{names.objectiveTitle ?? 'An objective'}</Link>
        ) : (
          'Not about an objective'
        )}
        {names.keyResultTitles.length > 0 && ` · ${names.keyResultTitles.join(', ')}`}
        {' · '}
        {names.teamName ?? 'No team'} · by {learning.author} · {formatDate(learning.capturedAt)}
        {learning.revisedAt && ` (revised ${formatDate(learning.revisedAt)})`}
        {' · '}
        <Link to={`/audit/learning/${encodeURIComponent(learning.id)}`} aria-label={`Audit trail of the learning "${learning.tried}"`}>
          Audit trail
        </Link>
      </p>
    </li>
  );
}
