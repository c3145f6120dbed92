import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useTeams } from '../../api/directory';
import type { components } from '../../api/schema/insights';
import { PAGE_SIZE, PagedView, usePagedList, type ListPage } from '../../ui/PagedList';
import { personName } from '../../ui/people';

type AtRiskItem = components['schemas']['AtRiskItemDto'];

/**
 * Key results at risk across the organisation (insights' at-risk view of active objectives), each with
 * its objective, team, owner and every reason in words.
 */
export function AtRiskPage() {
  const api = useApi();
  const { teamName } = useTeams();
  const query = usePagedList<ListPage<AtRiskItem>>(['at-risk'], (cursor) =>
    data(api.insights.GET('/api/v1/at-risk', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } })),
  );
  return (
    <section className="at-risk">
      <h1>At risk</h1>
      <p className="hint">Key results of active objectives that are behind pace, losing confidence or not checked in lately.</p>
      <PagedView<AtRiskItem, ListPage<AtRiskItem>> query={query} loading="Loading the key results at risk" empty="Nothing is at risk: every key result of an active objective is on track.">
        {(items) => (
          <ul className="card-list" aria-label="Key results at risk">
            {items.map((item) => (
              <li key={item.keyResultId} className="card">
                <h2 className="card-title">{item.keyResultTitle}</h2>
                <p className="card-meta">
                  <Link to={`/objectives/${encodeURIComponent(item.objectiveId)}`}>{item.objectiveTitle}</Link>
                  {' · '}
                  {item.teamName ?? (item.teamId ? teamName(item.teamId) : 'No team')}
                  {' · '}
                  Owner: {personName(item.keyResultOwnerId ?? item.ownerId, 'nobody yet')}
                </p>
                <ul className="reasons" aria-label={`Why ${item.keyResultTitle} is at risk`}>
                  {item.reasons.map((reason) => (
                    <li key={reason.code}>
                      <span className="badge badge-risk">At risk</span> {reason.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </PagedView>
    </section>
  );
}
