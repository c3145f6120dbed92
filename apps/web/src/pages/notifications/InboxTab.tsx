import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useObjectiveNames } from '../../api/objective-names';
import type { components } from '../../api/schema/notifications';
import { formatDateTime } from '../../ui/format';
import { itemsOf, PAGE_SIZE, PagedView, usePagedList, type ListPage } from '../../ui/PagedList';
import { deliveryRuleLabel, withoutIds } from './notification-words';

type InboxItem = components['schemas']['InboxItemDto'];

/** The in-app inbox, newest first: what happened in words, when, and a link to what it is about. */
export function InboxTab() {
  const api = useApi();
  const query = usePagedList<ListPage<InboxItem>>(['notifications', 'inbox'], (cursor) =>
    data(api.notifications.GET('/api/v1/notifications', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } })),
  );
  const names = useObjectiveNames(itemsOf(query.data).map((n) => n.objectiveId));
  return (
    <PagedView<InboxItem, ListPage<InboxItem>> query={query} loading="Loading your notifications" empty="No notifications yet. Follow a team or an objective to hear about its learnings and grades.">
      {(items) => (
        <ul className="card-list" aria-label="Notifications">
          {items.map((n) => (
            <li key={n.id} className="card">
              <p className="card-meta">
                <span className="badge badge-neutral">{deliveryRuleLabel(n.rule)}</span> <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
              </p>
              <h2 className="card-title">{withoutIds(n.subject)}</h2>
              <p className="notification-body">{withoutIds(n.body)}</p>
              {n.objectiveId && (
                <p className="card-meta">
                  About <Link to={`/objectives/${encodeURIComponent(n.objectiveId)}`}>{names.objectiveTitle(n.objectiveId) ?? 'the objective'}</Link>
                  {n.keyResultId && names.keyResultTitle(n.keyResultId) ? ` · ${names.keyResultTitle(n.keyResultId)}` : ''}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </PagedView>
  );
}
