import { describe, expect, it } from 'vitest';
import { NO_CHANGES, type ReplayObjective } from './changes';
import { replayMap } from './replayMap';
import { indexOf, instantAt, nextFilmStop, shownInstant, timelineOf } from './timeline';

describe('the replay timeline', () => {
  const timeline = (startsOn: string, endsOn: string, now: string) => {
    const t = timelineOf(startsOn, endsOn, Date.parse(now));
    if (t === null) throw new Error('no timeline');
    return t;
  };
  const ended = timeline('2026-07-01', '2026-09-30', '2026-12-03T12:00:00Z');
  const running = timeline('2026-10-01', '2026-12-31', '2026-10-15T12:30:00Z');

  it('has a stop a day from the first day to the end of the last, or to now while the cycle runs', () => {
    expect(ended).toEqual({ start: Date.parse('2026-07-01T00:00:00Z'), end: Date.parse('2026-10-01T00:00:00Z'), last: 92 });
    expect(running.last).toBe(15);
    expect(instantAt(running, 14)).toBe('2026-10-15T00:00:00.000Z');
    expect(instantAt(running, 15)).toBe('2026-10-15T12:30:00.000Z');
    expect(timelineOf('2026-10-01', '2026-12-31', Date.parse('2026-09-30T00:00:00Z'))).toBeNull();
  });

  it('shows a deep link at its own instant on the nearest stop, and anything else at the latest stop', () => {
    expect(indexOf(ended, '2026-08-14T10:00:00.000Z')).toBe(44);
    expect(shownInstant(ended, '2026-08-14T10:00:00.000Z')).toBe('2026-08-14T10:00:00.000Z');
    expect(shownInstant(ended, null)).toBe('2026-10-01T00:00:00.000Z');
    expect(shownInstant(ended, 'yesterday')).toBe('2026-10-01T00:00:00.000Z');
    expect(shownInstant(ended, '2020-01-01T00:00:00Z')).toBe('2026-07-01T00:00:00.000Z');
  });

  it('plays a week a step, stopping at the last stop', () => {
    expect(nextFilmStop(ended, 0)).toBe(7);
    expect(nextFilmStop(ended, 90)).toBe(92);
  });
});

describe('the replayed alignment map', () => {
  const objective = (id: string, parents: string[], progress: number, keyResults = 1): ReplayObjective => ({
    id, title: `Objective ${id}`, teamId: 't', teamName: 'Team', cycleId: 'c', cycleName: null, parentObjectiveIds: parents, progress, status: 'active',
    keyResults: Array.from({ length: keyResults }, (_, i) => ({ id: `${id}-${i}`, title: 'kr', kind: 'increase' as const, target: 1, value: null, confidence: null, progress })),
  });

  it('rolls progress up as the alignment tree does, repeats a child under each parent, and leaves the unmeasured out', () => {
    const roots = replayMap([objective('a', [], 0, 0), objective('b', [], 0.4), objective('c', ['a', 'b'], 0.8), objective('d', ['a'], 0, 0)], NO_CHANGES);
    expect(roots.map((r) => [r.objectiveId, r.progress, r.children.map((c) => c.objectiveId)])).toEqual([
      ['a', 0.8, ['c', 'd']],
      ['b', 0.6, ['c']],
    ]);
    expect(roots[0]?.children[1]?.progress).toBeNull();
    expect(new Set(roots.flatMap((r) => r.children).map((c) => c.key)).size).toBe(3);
  });

  it('keeps an objective whose parent is not in the stop as a root, and survives a loop', () => {
    expect(replayMap([objective('x', ['elsewhere'], 0.5)], NO_CHANGES).map((r) => r.objectiveId)).toEqual(['x']);
    const loop = replayMap([objective('p', ['q'], 0.2), objective('q', ['p'], 0.4)], NO_CHANGES);
    expect(loop.map((r) => r.objectiveId)).toEqual(['p']);
    expect(loop[0]?.children[0]?.children).toEqual([]);
  });
});
