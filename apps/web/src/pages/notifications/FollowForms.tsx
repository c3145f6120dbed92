import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useTeams } from '../../api/directory';
import { ErrorState } from '../../ui/PageState';

/** Follow a team, chosen by its name. */
export function FollowTeamForm({ teams, onFollow, pending }: { teams: { id: string; name: string }[]; onFollow: (teamId: string) => void; pending: boolean }) {
  const id = useId();
  const [teamId, setTeamId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (teamId) onFollow(teamId);
    setTeamId('');
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Follow a team">
      <div className="field">
        <label htmlFor={id}>Team to follow</label>
        <select id={id} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          <option value="">Choose a team</option>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <button type="submit" disabled={!teamId || pending}>
          Follow
        </button>
      </div>
    </form>
  );
}

const MATCHES = 10;

/** Follow an objective found by words of its title (goals' objective search), at most ten matches shown. */
export function FollowObjectiveForm({ followed, onFollow, pending }: { followed: ReadonlySet<string>; onFollow: (objectiveId: string) => void; pending: boolean }) {
  const api = useApi();
  const id = useId();
  const { data: teams } = useTeams();
  const [words, setWords] = useState('');
  const search = useQuery({
    queryKey: ['objective-search', words],
    enabled: words !== '',
    queryFn: () => data(api.goals.GET('/api/v1/objectives', { params: { query: { q: words, limit: MATCHES } } })),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const q = new FormData(e.currentTarget).get('q');
    setWords(typeof q === 'string' ? q.trim() : '');
  };
  const matches = (search.data?.items ?? []).filter((o) => !followed.has(o.id));
  return (
    <div>
      <form className="filters" role="search" onSubmit={submit} aria-label="Find an objective to follow">
        <div className="field">
          <label htmlFor={id}>Objective to follow</label>
          <input id={id} name="q" placeholder="Words of its title" />
        </div>
        <div className="field">
          <button type="submit">Find</button>
        </div>
      </form>
      {search.isFetching && <p role="status">Searching…</p>}
      {search.isError && <ErrorState error={search.error} />}
      {search.isSuccess && matches.length === 0 && <p className="hint">No objective you do not already follow matches “{words}”.</p>}
      {matches.length > 0 && (
        <ul className="card-list" aria-label="Matching objectives">
          {matches.map((o) => (
            <li key={o.id} className="card follow">
              <span>
                {o.title} <span className="card-meta">({teams?.find((t) => t.id === o.teamId)?.name ?? 'a team'})</span>
              </span>
              <button type="button" disabled={pending} onClick={() => onFollow(o.id)} aria-label={`Follow ${o.title}`}>
                Follow
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
