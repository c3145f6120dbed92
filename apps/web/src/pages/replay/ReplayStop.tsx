import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../ui/PageState';
import { AlignmentTree } from '../alignment/AlignmentTree';
import { changesBetween, type Stop } from './changes';
import { replayMap } from './replayMap';
import { TeamBoards } from './TeamBoards';
import { nextFilmStop, type Timeline } from './timeline';
import { markPainted, usePrefetchNeighbours, useStop, type CheckInsView } from './useReplay';

/** How long the film shows each week before the next (when the next week is loaded). */
export const FILM_STEP_MS = 1200;

/**
 * The stop on screen: the alignment map and each team's page as they stood at `at`, with what changed
 * since the previous stop highlighted and said in words. While Play runs, the next week follows once
 * this one is on screen.
 */
export function ReplayStop({
  cycleId,
  timeline,
  index,
  at,
  view,
  playing,
  onStep,
  onEnd,
}: {
  cycleId: string;
  timeline: Timeline;
  index: number;
  at: string;
  view: CheckInsView;
  playing: boolean;
  onStep: (index: number) => void;
  onEnd: () => void;
}) {
  const query = useStop(cycleId, at, view);
  usePrefetchNeighbours(timeline, index, cycleId, view);

  // The previous stop is the one that was on screen before this one (a placeholder is the same object).
  const [stops, setStops] = useState<{ shown?: Stop; previous?: Stop }>({});
  if (query.data !== undefined && !query.isPlaceholderData && query.data !== stops.shown) setStops({ shown: query.data, previous: stops.shown });
  const shown = stops.shown ?? query.data;
  const arrived = stops.shown !== undefined && stops.shown === query.data && !query.isPlaceholderData;
  const changes = useMemo(() => (shown ? changesBetween(stops.previous, shown) : undefined), [shown, stops.previous]);
  const map = useMemo(() => (shown && changes ? replayMap(shown.objectives, changes) : []), [shown, changes]);

  // After the stop a slider move asked for is committed, mark its paint (the benchmark measures input to paint).
  const painted = useRef<Stop | undefined>(undefined);
  useEffect(() => {
    if (!arrived || painted.current === stops.shown) return;
    painted.current = stops.shown;
    markPainted();
  }, [arrived, stops.shown]);

  // The film: once this week is on screen, the next one after a pause; at the end, stop.
  const step = useEffectEvent(() => onStep(nextFilmStop(timeline, index)));
  const end = useEffectEvent(() => onEnd());
  useEffect(() => {
    if (!playing || !arrived) return;
    if (index >= timeline.last) {
      end();
      return;
    }
    const timer = setTimeout(step, FILM_STEP_MS);
    return () => clearTimeout(timer);
  }, [playing, arrived, index, timeline.last]);

  if (query.isPending) return <Loading what="Loading the cycle as it stood" />;
  if (query.isError && !shown) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (!shown || !changes) return <Loading what="Loading the cycle as it stood" />;
  return (
    <div className="replay-stop" aria-busy={query.isPlaceholderData}>
      {query.isError && <ErrorState error={query.error} retry={() => void query.refetch()} />}
      {query.isPlaceholderData && <Loading what="Loading the next stop" />}
      <section className="replay-changes" aria-labelledby="replay-changes-title">
        <h2 id="replay-changes-title">What changed</h2>
        {stops.previous === undefined ? (
          <p className="hint">Move the slider or press Play: what changes from one stop to the next is listed here and highlighted below.</p>
        ) : changes.sentences.length === 0 ? (
          <p className="hint">Nothing changed since the previous stop.</p>
        ) : (
          <ul>
            {changes.sentences.map((sentence, i) => (
              <li key={i}>{sentence}</li>
            ))}
          </ul>
        )}
      </section>
      {shown.objectives.length === 0 ? (
        <Empty>No objective had been set in this cycle by then.</Empty>
      ) : (
        <>
          <h2>Alignment map</h2>
          <AlignmentTree roots={map} label="Alignment of the objectives as it stood" />
          <h2>Teams</h2>
          <TeamBoards objectives={shown.objectives} learnings={shown.learnings} changes={changes} />
        </>
      )}
    </div>
  );
}
