import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { useCycles } from '../../api/directory';
import { CyclePicker } from '../../ui/CyclePicker';
import { Empty, ErrorState, Loading } from '../../ui/PageState';
import { formatDate } from '../../ui/format';
import { ReplayControls } from './ReplayControls';
import { ReplayStop } from './ReplayStop';
import { indexOf, instantAt, shownInstant, timelineOf, type Timeline } from './timeline';
import { loadFilm, markInput, useDailyFilm, type CheckInsView } from './useReplay';

/**
 * Replay: the whole organisation through a cycle, as a slider. `?cycle=` (default: the current cycle),
 * `?at=` (the instant shown; default: the latest) and `?view=known|corrected` live in the URL, so a stop
 * can be shared; moves replace the history entry (back leaves the replay instead of rewinding it).
 */
export function ReplayPage() {
  const [params, setParams] = useSearchParams();
  const cycles = useCycles();
  const [now] = useState(() => Date.now());
  const cycleId = params.get('cycle') ?? cycles.current?.id;
  const cycle = cycles.data?.find((c) => c.id === cycleId);
  const timeline = useMemo(() => (cycle ? timelineOf(cycle.startsOn, cycle.endsOn, now) : null), [cycle, now]);

  const update = (changes: Record<string, string>, replace = true) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        for (const [name, value] of Object.entries(changes)) next.set(name, value);
        return next;
      },
      { replace },
    );

  return (
    <section className="replay-page">
      <h1>Replay</h1>
      <p className="hint">Move the slider to see the organisation's objectives as they stood on any day of the cycle, or press Play to watch it week by week.</p>
      <div className="page-tools">
        <CyclePicker value={cycleId} onChange={(id) => update({ cycle: id }, false)} />
      </div>
      {cycles.isPending ? (
        <Loading what="Loading the cycles" />
      ) : cycles.isError ? (
        <ErrorState error={cycles.error} retry={() => void cycles.refetch()} />
      ) : !cycle ? (
        <Empty>No cycle to replay yet: create a cycle and set objectives in it first.</Empty>
      ) : !timeline ? (
        <Empty>{cycle.name} starts on {formatDate(cycle.startsOn)}: there is nothing to replay yet.</Empty>
      ) : (
        <ReplayTimeline key={cycle.id} cycleId={cycle.id} timeline={timeline} at={params.get('at')} view={params.get('view') === 'corrected' ? 'corrected' : 'known'} update={update} />
      )}
    </section>
  );
}

function ReplayTimeline({
  cycleId,
  timeline,
  at: requested,
  view,
  update,
}: {
  cycleId: string;
  timeline: Timeline;
  at: string | null;
  view: CheckInsView;
  update: (changes: Record<string, string>) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [playing, setPlaying] = useState(false);
  // A move shows its stop at once (an urgent update); the URL follows in the router's transition.
  const [moved, setMoved] = useState<string | null>(null);
  if (moved !== null && moved === requested) setMoved(null);
  const at = shownInstant(timeline, moved ?? requested);
  const index = indexOf(timeline, at);
  useDailyFilm(timeline, cycleId, view);

  const move = (next: number) => {
    markInput();
    const instant = instantAt(timeline, next);
    setMoved(instant);
    update({ at: instant });
  };
  const play = (start: boolean) => {
    setPlaying(start);
    if (!start) return;
    // At the end, Play starts the film again from the cycle's first day.
    const from = index >= timeline.last ? 0 : index;
    if (from !== index) update({ at: instantAt(timeline, from) });
    void loadFilm(queryClient, api, timeline, from, cycleId, view, 'week');
  };

  return (
    <>
      <p className="replay-when">
        Shown as of <strong>{formatDate(at)}</strong>
      </p>
      <ReplayControls
        timeline={timeline}
        index={index}
        at={at}
        onMove={move}
        playing={playing}
        onPlay={play}
        view={view}
        onView={(v) => update({ view: v })}
      />
      <ReplayStop cycleId={cycleId} timeline={timeline} index={index} at={at} view={view} playing={playing} onStep={(next) => update({ at: instantAt(timeline, next) })} onEnd={() => setPlaying(false)} />
    </>
  );
}
