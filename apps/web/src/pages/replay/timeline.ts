/**
 * The replay's time line: one stop a day from the cycle's first day to its end, or to now while it runs.
 * Stops are UTC days (as insights' frames step), so a week of stops is exactly one frame of a film.
 */
export const DAY_MS = 86_400_000;
export const WEEK_STOPS = 7;

export interface Timeline {
  /** The first stop (the cycle's first day, 00:00 UTC). */
  start: number;
  /** The last stop: the end of the cycle's last day, or now while the cycle runs. */
  end: number;
  /** Index of the last stop (there are `last + 1`). */
  last: number;
}

/** The timeline of a cycle (`YYYY-MM-DD` days), seen at `now`; null before the cycle has started. */
export function timelineOf(startsOn: string, endsOn: string, now: number): Timeline | null {
  const start = Date.parse(`${startsOn}T00:00:00Z`);
  const cycleEnd = Date.parse(`${endsOn}T00:00:00Z`) + DAY_MS;
  if (!(now >= start) || Number.isNaN(cycleEnd)) return null;
  const end = Math.min(cycleEnd, now);
  return { start, end, last: Math.max(0, Math.ceil((end - start) / DAY_MS)) };
}

/** The instant of stop `index` (the last stop is the timeline's end, which may fall within a day). */
export function instantAt(timeline: Timeline, index: number): string {
  const clamped = Math.min(Math.max(0, Math.round(index)), timeline.last);
  return new Date(Math.min(timeline.start + clamped * DAY_MS, timeline.end)).toISOString();
}

/** The stop nearest to an instant (a deep link may name any instant; the slider shows the nearest day). */
export function indexOf(timeline: Timeline, instant: string | null): number {
  const at = instant === null ? Number.NaN : Date.parse(instant);
  if (Number.isNaN(at)) return timeline.last;
  if (at >= timeline.end) return timeline.last;
  return Math.min(timeline.last, Math.max(0, Math.round((at - timeline.start) / DAY_MS)));
}

/** The instant to show: the URL's own instant when it is valid and inside the timeline, else the nearest stop. */
export function shownInstant(timeline: Timeline, instant: string | null): string {
  const at = instant === null ? Number.NaN : Date.parse(instant);
  if (Number.isNaN(at) || at < timeline.start || at > timeline.end) return instantAt(timeline, indexOf(timeline, instant));
  return new Date(at).toISOString();
}

/** The next stop of the film: a week later, the last stop at most. */
export const nextFilmStop = (timeline: Timeline, index: number): number => Math.min(timeline.last, index + WEEK_STOPS);
