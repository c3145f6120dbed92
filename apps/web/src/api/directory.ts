import { useQuery } from '@tanstack/react-query';
import { useApi } from './ApiContext';
import { data } from './client';
import type { components as Goals } from './schema/goals';

export type Team = Goals['schemas']['TeamItemDto'];
export type Cycle = Goals['schemas']['CycleItemDto'];

/** Lists are paged (`limit`, `cursor`, `{items, nextCursor}`); this reads every page of one (small, bounded lists only: the directory, a cycle's at-risk key results). */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Every team of the tenant, and a name for any team id (the id itself only when the registry does not know it). */
export function useTeams() {
  const api = useApi();
  const query = useQuery({
    queryKey: ['teams'],
    staleTime: 5 * 60_000,
    queryFn: () => allPages((cursor) => data(api.goals.GET('/api/v1/teams', { params: { query: { limit: 200, cursor } } }))),
  });
  const byId = new Map((query.data ?? []).map((t) => [t.id, t]));
  return { ...query, teamName: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? id) : '') };
}

/** The tenant's cycles, newest first, and the one to show by default: the active one, else the latest started. */
export function useCycles() {
  const api = useApi();
  const query = useQuery({
    queryKey: ['cycles'],
    staleTime: 60_000,
    queryFn: () => allPages((cursor) => data(api.goals.GET('/api/v1/cycles', { params: { query: { limit: 200, cursor } } }))),
  });
  return { ...query, current: currentCycle(query.data ?? []) };
}

export function currentCycle(cycles: readonly Cycle[]): Cycle | undefined {
  return cycles.find((c) => c.status === 'active') ?? cycles.find((c) => c.status !== 'upcoming') ?? cycles[0];
}
