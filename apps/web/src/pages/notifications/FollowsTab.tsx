import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useTeams } from '../../api/directory';
import { useObjectiveNames } from '../../api/objective-names';
import { errorSentence } from '../../api/problem';
import type { components } from '../../api/schema/notifications';
import { formatDate } from '../../ui/format';
import { itemsOf, PAGE_SIZE, PagedView, usePagedList, type ListPage } from '../../ui/PagedList';
import { FollowObjectiveForm, FollowTeamForm } from './FollowForms';

type Follow = components['schemas']['FollowItemDto'];
const FOLLOWS = ['notifications', 'follows'] as const;

/** What the person follows (teams and objectives, by name), to unfollow, and a team to follow. */
export function FollowsTab() {
  const api = useApi();
  const client = useQueryClient();
  const teams = useTeams();
  const query = usePagedList<ListPage<Follow>>(FOLLOWS, (cursor) =>
    data(api.notifications.GET('/api/v1/follows', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } })),
  );
  const follows = itemsOf(query.data);
  const objectives = useObjectiveNames(follows.filter((f) => f.kind === 'objective').map((f) => f.targetId));
  const done = () => client.invalidateQueries({ queryKey: FOLLOWS });
  const unfollow = useMutation({
    mutationFn: (f: Follow) => data(api.notifications.DELETE('/api/v1/follows/{kind}/{targetId}', { params: { path: { kind: f.kind, targetId: f.targetId } } })),
    onSuccess: done,
  });
  const follow = useMutation({
    mutationFn: (target: { kind: Follow['kind']; targetId: string }) => data(api.notifications.POST('/api/v1/follows', { body: target })),
    onSuccess: done,
  });
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? 'A team';
  const name = (f: Follow) => (f.kind === 'team' ? teamName(f.targetId) : (objectives.objectiveTitle(f.targetId) ?? 'An objective'));
  const followed = new Set(follows.map((f) => f.targetId));

  return (
    <>
      <div className="follow-forms">
        <FollowTeamForm teams={(teams.data ?? []).filter((t) => !followed.has(t.id))} onFollow={(id) => follow.mutate({ kind: 'team', targetId: id })} pending={follow.isPending} />
        <FollowObjectiveForm followed={followed} onFollow={(id) => follow.mutate({ kind: 'objective', targetId: id })} pending={follow.isPending} />
      </div>
      {follow.isError && <p role="alert" className="form-error">{errorSentence(follow.error)}</p>}
      {unfollow.isError && <p role="alert" className="form-error">{errorSentence(unfollow.error)}</p>}
      <p className="hint">You hear about the learnings and grades of what you follow.</p>
      <PagedView<Follow, ListPage<Follow>> query={query} loading="Loading what you follow" empty="You follow nothing yet.">
        {(items) => (
          <ul className="card-list" aria-label="What you follow">
            {items.map((f) => (
              <li key={`${f.kind}-${f.targetId}`} className="card follow">
                <span>
                  {f.kind === 'objective' ? (
                    <Link to={`/objectives/${encodeURIComponent(f.targetId)}`}>{name(f)}</Link>
                  ) : (
                    <Link to={`/teams/${encodeURIComponent(f.targetId)}`}>{name(f)}</Link>
                  )}{' '}
                  <span className="card-meta">
                    ({f.kind === 'team' ? 'team' : 'objective'}, since {formatDate(f.since)})
                  </span>
                </span>
                <button type="button" onClick={() => unfollow.mutate(f)} disabled={unfollow.isPending} aria-label={`Unfollow ${name(f)}`}>
                  Unfollow
                </button>
              </li>
            ))}
          </ul>
        )}
      </PagedView>
    </>
  );
}
