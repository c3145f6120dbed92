import { useQueries } from '@tanstack/react-query';
import { useApi } from './ApiContext';
import type { Api } from './client';
import { data } from './client';

/** What a list needs to name an objective and its key results instead of showing their ids. */
export interface ObjectiveNames {
  id: string;
  title: string;
  teamId: string | null;
  cycleId: string | null;
  keyResults: { id: string; title: string; unit?: string }[];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/**
 * Goals' `GET /objectives/{id}` answer is not described by a schema in its OpenAPI document yet, so the
 * generated client types it as nothing: this is the one place that narrows it, field by field.
 */
export function toObjectiveNames(id: string, body: unknown): ObjectiveNames | null {
  if (typeof body !== 'object' || body === null) return null;
  const o = body as Record<string, unknown>;
  const title = text(o['title']);
  if (!title) return null;
  const keyResults = Array.isArray(o['keyResults'])
    ? o['keyResults'].flatMap((kr: unknown) => {
        const k = (typeof kr === 'object' && kr !== null ? kr : {}) as Record<string, unknown>;
        const krId = text(k['id']);
        const krTitle = text(k['title']);
        const unit = text(k['unit']);
        return krId && krTitle ? [{ id: krId, title: krTitle, ...(unit ? { unit } : {}) }] : [];
      })
    : [];
  return { id, title, teamId: text(o['teamId']), cycleId: text(o['cycleId']), keyResults };
}

export const objectiveNamesKey = (id: string) => ['objective-names', id] as const;

export async function fetchObjectiveNames(api: Api, id: string): Promise<ObjectiveNames | null> {
  const body: unknown = await data(api.goals.GET('/api/v1/objectives/{id}', { params: { path: { id } } }));
  return toObjectiveNames(id, body);
}

/**
 * Titles of the objectives (and their key results) a page lists, one cached request per objective.
 * `objectiveTitle(id)` is undefined while loading and when the objective cannot be read (then a page
 * shows a neutral label, never the id).
 */
export function useObjectiveNames(ids: readonly (string | null | undefined)[]) {
  const api = useApi();
  const unique = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: objectiveNamesKey(id),
      staleTime: 60_000,
      queryFn: () => fetchObjectiveNames(api, id),
    })),
  });
  const byId = new Map<string, ObjectiveNames>();
  results.forEach((r) => {
    if (r.data) byId.set(r.data.id, r.data);
  });
  const keyResults = new Map<string, { title: string; unit?: string }>();
  for (const o of byId.values()) for (const kr of o.keyResults) keyResults.set(kr.id, kr);
  return {
    objective: (id: string | null | undefined) => (id ? byId.get(id) : undefined),
    objectiveTitle: (id: string | null | undefined) => (id ? byId.get(id)?.title : undefined),
    keyResultTitle: (id: string) => keyResults.get(id)?.title,
    keyResultUnit: (id: string) => keyResults.get(id)?.unit,
    isPending: results.some((r) => r.isPending),
  };
}
