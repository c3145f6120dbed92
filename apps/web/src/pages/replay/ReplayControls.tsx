import { Slider, ToggleGroup } from 'radix-ui';
import type { KeyboardEvent } from 'react';
import { formatDate } from '../../ui/format';
import type { CheckInsView } from './useReplay';
import { instantAt, WEEK_STOPS, type Timeline } from './timeline';

/**
 * The replay's controls: the Replay slider (a stop a day; arrows move a day, Page Up / Page Down a week,
 * Home / End to the ends), Play / Pause, and how check-ins are read.
 */
export function ReplayControls({
  timeline,
  index,
  at,
  onMove,
  playing,
  onPlay,
  view,
  onView,
}: {
  timeline: Timeline;
  index: number;
  at: string;
  onMove: (index: number) => void;
  playing: boolean;
  onPlay: (play: boolean) => void;
  view: CheckInsView;
  onView: (view: CheckInsView) => void;
}) {
  // Radix moves ten steps on Page Up / Page Down; a week is the replay's natural big step.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'PageUp' && event.key !== 'PageDown') return;
    event.preventDefault();
    onMove(Math.min(timeline.last, Math.max(0, index + (event.key === 'PageUp' ? WEEK_STOPS : -WEEK_STOPS))));
  };
  return (
    <div className="replay-controls">
      <div className="replay-timeline">
        <span className="replay-edge" aria-hidden="true">
          {formatDate(instantAt(timeline, 0))}
        </span>
        <Slider.Root className="replay-slider" min={0} max={timeline.last} step={1} value={[index]} onValueChange={([v]) => v !== undefined && onMove(v)} onKeyDown={onKeyDown}>
          <Slider.Track className="replay-track">
            <Slider.Range className="replay-range" />
          </Slider.Track>
          <Slider.Thumb className="replay-thumb" aria-label="Replay" aria-valuetext={formatDate(at)} />
        </Slider.Root>
        <span className="replay-edge" aria-hidden="true">
          {formatDate(instantAt(timeline, timeline.last))}
        </span>
      </div>
      <div className="replay-buttons">
        <button type="button" className="primary" onClick={() => onPlay(!playing)}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <ToggleGroup.Root
          type="single"
          className="replay-view"
          aria-label="Check-ins"
          value={view}
          onValueChange={(v) => (v === 'known' || v === 'corrected') && onView(v)}
        >
          <ToggleGroup.Item value="known">As known then</ToggleGroup.Item>
          <ToggleGroup.Item value="corrected">As corrected since</ToggleGroup.Item>
        </ToggleGroup.Root>
      </div>
    </div>
  );
}
