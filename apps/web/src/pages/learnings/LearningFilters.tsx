import { useId, type FormEvent } from 'react';
import { useCycles, useTeams } from '../../api/directory';

export const RESULTS = ['validated', 'invalidated', 'inconclusive'] as const;
export type Result = (typeof RESULTS)[number];

/** The filters as the URL keeps them: `result`, `tag`, `team` (a team id), `cycle` (a cycle's name). */
export interface LearningFilterValues {
  result?: Result;
  tag?: string;
  team?: string;
  cycle?: string;
}

export const RESULT_LABELS: Record<Result, string> = {
  validated: 'Validated',
  invalidated: 'Invalidated (learned)',
  inconclusive: 'Inconclusive',
};

export function filtersFrom(params: URLSearchParams): LearningFilterValues {
  const result = params.get('result');
  const value = (name: string) => params.get(name)?.trim() || undefined;
  return {
    ...(RESULTS.includes(result as Result) ? { result: result as Result } : {}),
    ...(value('tag') ? { tag: value('tag') } : {}),
    ...(value('team') ? { team: value('team') } : {}),
    ...(value('cycle') ? { cycle: value('cycle') } : {}),
  };
}

/**
 * Labelled filters; a select applies at once, the tag when the form is submitted (Enter or Apply), so
 * typing a tag does not ask the service for every letter. Tags already used are offered as suggestions.
 */
export function LearningFilters({
  value,
  knownTags,
  onChange,
}: {
  value: LearningFilterValues;
  knownTags: readonly string[];
  onChange: (next: LearningFilterValues) => void;
}) {
  const id = useId();
  const { data: teams } = useTeams();
  const { data: cycles } = useCycles();
  const set = (patch: Partial<LearningFilterValues>) => {
    const next: Record<string, string | undefined> = { ...value, ...patch };
    onChange(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined && v !== '')) as LearningFilterValues);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const tag = new FormData(e.currentTarget as HTMLFormElement).get('tag');
    set({ tag: (typeof tag === 'string' && tag.trim()) || undefined });
  };
  return (
    <form className="filters" role="search" aria-label="Filter learnings" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-result`}>Result</label>
        <select id={`${id}-result`} value={value.result ?? ''} onChange={(e) => set({ result: (e.target.value || undefined) as Result | undefined })}>
          <option value="">Any result</option>
          {RESULTS.map((r) => (
            <option key={r} value={r}>
              {RESULT_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-team`}>Team</label>
        <select id={`${id}-team`} value={value.team ?? ''} onChange={(e) => set({ team: e.target.value || undefined })}>
          <option value="">Every team</option>
          {(teams ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-cycle`}>Cycle</label>
        <select id={`${id}-cycle`} value={value.cycle ?? ''} onChange={(e) => set({ cycle: e.target.value || undefined })}>
          <option value="">Every cycle</option>
          {value.cycle && !(cycles ?? []).some((c) => c.name === value.cycle) && <option value={value.cycle}>{value.cycle}</option>}
          {(cycles ?? []).map((c) => (
            <option key={c.id} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-tag`}>Tag</label>
        <span className="field-inline">
          {/* Keyed by the URL's tag: back and forward reset what is typed to the tag applied. */}
          <input key={value.tag ?? ''} id={`${id}-tag`} name="tag" list={`${id}-tags`} defaultValue={value.tag ?? ''} placeholder="e.g. onboarding" />
          <button type="submit">Apply</button>
        </span>
        <datalist id={`${id}-tags`}>
          {knownTags.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
    </form>
  );
}
