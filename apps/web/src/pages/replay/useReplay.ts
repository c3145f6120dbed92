import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApi } from '../../api/ApiContext';
import { data, type Api } from '../../api/client';
import type { Stop } from './changes';
import { instantAt, WEEK_STOPS, type Timeline } from './timeline';

/** How check-ins are read at an instant: as known then, or as corrected since (insights' `?checkIns=`). */
export type CheckInsView = 'known' | 'corrected';

/** A replayed instant does not change while the page is open (imports of the past aside): keep it a while. */
const STOP_STALE_MS = 5 * 60_000;

const stopKey = (cycleId: string, at: string, view: CheckInsView) => ['replay', cycleId, at, view] as const;

/** The largest page of objectives insights' replay gives (its list convention's maximum `limit`). */
const REPLAY_PAGE_LIMIT = 200;

/**
 * The cycle at `at`, every page of it: the replay answers a page of objectives at a time (with the
 * learnings about them), and a stop shows the whole cycle. Slider moves rarely come here: the daily
 * film (`GET /frames`) puts every stop of the cycle in the cache in one request.
 */
async function fetchStop(api: Api, cycleId: string, at: string, view: CheckInsView): Promise<Stop> {
  const stop: Stop = { at, objectives: [], learnings: [] };
  let cursor: string | undefined;
  do {
    const query = { asOf: at, cycleId, checkIns: view, limit: REPLAY_PAGE_LIMIT, ...(cursor === undefined ? {} : { cursor }) };
    const answer = await data(api.insights.GET('/api/v1/replay', { params: { query } }));
    stop.at = answer.asOf;
    stop.objectives.push(...answer.items);
    stop.learnings.push(...answer.learnings);
    cursor = answer.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return stop;
}

/**
 * The cycle as it stood at `at`. While the next stop loads, the previous one stays on screen
 * (`keepPreviousData`), so a slider drag never blanks the page.
 */
export function useStop(cycleId: string, at: string, view: CheckInsView) {
  const api = useApi();
  return useQuery({
    queryKey: stopKey(cycleId, at, view),
    queryFn: () => fetchStop(api, cycleId, at, view),
    placeholderData: keepPreviousData,
    staleTime: STOP_STALE_MS,
  });
}

/** Loads the stops a person is likely to go to next (a day and a week either side), so moves paint from the cache. */
export function usePrefetchNeighbours(timeline: Timeline, index: number, cycleId: string, view: CheckInsView) {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    for (const next of [index + 1, index - 1, index + WEEK_STOPS, index - WEEK_STOPS]) {
      if (next < 0 || next > timeline.last) continue;
      const at = instantAt(timeline, next);
      void queryClient.prefetchQuery({ queryKey: stopKey(cycleId, at, view), queryFn: () => fetchStop(api, cycleId, at, view), staleTime: STOP_STALE_MS });
    }
  }, [api, queryClient, timeline, index, cycleId, view]);
}

/**
 * A film of the cycle from stop `from` to the end, a frame a `step`, in ONE request (insights' frames
 * of the cycle): each frame is put in the cache as the stop it is. The page loads the daily film when it
 * opens (every slider stop then paints from the cache) and the weekly one when Play starts. A failed
 * film is not an error of the page: each stop then loads on its own.
 */
export async function loadFilm(
  queryClient: QueryClient,
  api: Api,
  timeline: Timeline,
  from: number,
  cycleId: string,
  view: CheckInsView,
  step: 'day' | 'week',
): Promise<void> {
  const to = instantAt(timeline, timeline.last);
  try {
    const film = await queryClient.fetchQuery({
      queryKey: ['replay-film', cycleId, instantAt(timeline, from), to, step, view],
      staleTime: STOP_STALE_MS,
      queryFn: () => data(api.insights.GET('/api/v1/frames', { params: { query: { cycleId, from: instantAt(timeline, from), to, step, checkIns: view } } })),
    });
    for (const frame of film.frames) {
      const key = stopKey(cycleId, frame.at, view);
      if (queryClient.getQueryData(key) === undefined) queryClient.setQueryData(key, { at: frame.at, objectives: frame.objectives, learnings: frame.learnings });
    }
  } catch {
    // Each stop is fetched by useStop when the slider or Play reaches it.
  }
}

/** Loads the cycle's daily film once the page shows it (and again for the other reading of check-ins). */
export function useDailyFilm(timeline: Timeline, cycleId: string, view: CheckInsView) {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    void loadFilm(queryClient, api, timeline, 0, cycleId, view, 'day');
  }, [api, queryClient, timeline, cycleId, view]);
}

/**
 * Marks for the benchmark (`replay-move`: from a slider input to the paint of the stop it asked for).
 * Only a person's move is measured: the first load and Play's steps are not inputs.
 */
let inputPending = false;

export function markInput(): void {
  inputPending = true;
  performance.mark('replay-input');
}

/** Call after the commit that put the moved-to stop on screen: marks once the next frame is painted. */
export function markPainted(): void {
  if (!inputPending) return;
  inputPending = false;
  requestAnimationFrame(() =>
    // A task queued from the frame callback runs after that frame's paint.
    setTimeout(() => {
      performance.mark('replay-painted');
      performance.measure('replay-move', 'replay-input', 'replay-painted');
    }, 0),
  );
}
