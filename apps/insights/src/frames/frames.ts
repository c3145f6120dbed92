import type { FieldError } from '@okr/platform';
import { ISO_DATE_OR_INSTANT } from '@okr/platform';
import { replayAt, UNNAMED, type CheckInsReading, type ReplayLearning, type ReplayNames, type ReplayObjective } from '../replay/replay';

/**
 * Frames: the replay view of one objective, one team or one cycle at each step from `from` to `to` (both
 * included), for animating how goals and learning evolved. Pure: the same events give the same frames.
 *
 * Decisions:
 * - Instants: `from`, `from + step`, … while not after `to` (`to` itself is a frame only when it falls
 *   on a step). A day is 24 h, a week 7 × 24 h, in UTC instants (no calendar / DST arithmetic).
 * - At most `MAX_FRAMES` frames; more is a 400 naming `to`.
 * - Each frame is exactly `replayAt(events, tenant, at, filter)` — the same view `GET /replay?asOf=at`
 *   gives — restricted to the objective when `objectiveId` is given (its learnings: those about it).
 * - `framesOf` folds the log for every frame: it is the reference the route's answer is tested against;
 *   the route answers from the temporal read model (`frames-timeline.ts`), which reads the film once.
 */
export const MAX_FRAMES = 200;
export const FRAME_STEPS = { day: 86_400_000, week: 7 * 86_400_000 } as const;
export type FrameStep = keyof typeof FRAME_STEPS;

export interface FramesRequest {
  from: Date;
  to: Date;
  step: FrameStep;
  objectiveId?: string;
  teamId?: string;
  cycleId?: string;
  checkIns?: CheckInsReading;
}

export interface Frame {
  at: string;
  objectives: ReplayObjective[];
  learnings: ReplayLearning[];
}

export interface FramesView {
  frames: Frame[];
}

export interface RawFramesQuery {
  from?: string;
  to?: string;
  step?: string;
  objectiveId?: string;
  teamId?: string;
  cycleId?: string;
  /** Checked by the DTO (an enum). */
  checkIns?: CheckInsReading;
}

const INSTANT_MESSAGE = (field: string) => `${field} must be an ISO-8601 date or instant (e.g. 2026-10-12T09:30:00Z)`;

const instantOf = (field: 'from' | 'to', raw: string | undefined, errors: FieldError[]): Date | undefined => {
  if (raw === undefined || raw === '') {
    errors.push({ field, message: `${field} is required` });
    return undefined;
  }
  const at = ISO_DATE_OR_INSTANT.test(raw) ? new Date(raw) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) {
    errors.push({ field, message: INSTANT_MESSAGE(field) });
    return undefined;
  }
  return at;
};

/** The frame instants of a request (assumed valid). */
export const frameInstants = (from: Date, to: Date, step: FrameStep): Date[] => {
  const instants: Date[] = [];
  for (let at = from.getTime(); at <= to.getTime() && instants.length <= MAX_FRAMES; at += FRAME_STEPS[step]) {
    instants.push(new Date(at));
  }
  return instants;
};

/** Checks a frames query: every broken field is named (for a 400), or the request. */
export function parseFramesQuery(query: RawFramesQuery): { request: FramesRequest } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const from = instantOf('from', query.from, errors);
  const to = instantOf('to', query.to, errors);
  const step = query.step;
  if (step === undefined || step === '') errors.push({ field: 'step', message: 'step is required (day or week)' });
  else if (!Object.prototype.hasOwnProperty.call(FRAME_STEPS, step)) errors.push({ field: 'step', message: 'step must be one of: day, week' });
  if (query.objectiveId === undefined && query.teamId === undefined && query.cycleId === undefined) {
    errors.push({ field: 'objectiveId', message: 'objectiveId, teamId or cycleId is required' });
  }
  if (from !== undefined && to !== undefined) {
    if (to.getTime() < from.getTime()) errors.push({ field: 'to', message: 'to must not be before from' });
    else if (errors.length === 0 && frameInstants(from, to, step as FrameStep).length > MAX_FRAMES) {
      errors.push({ field: 'to', message: `at most ${MAX_FRAMES} frames: bring to closer to from or use a longer step` });
    }
  }
  if (errors.length > 0 || from === undefined || to === undefined) return { errors };
  return {
    request: {
      from,
      to,
      step: step as FrameStep,
      ...(query.objectiveId === undefined ? {} : { objectiveId: query.objectiveId }),
      ...(query.teamId === undefined ? {} : { teamId: query.teamId }),
      ...(query.cycleId === undefined ? {} : { cycleId: query.cycleId }),
      ...(query.checkIns === undefined ? {} : { checkIns: query.checkIns }),
    },
  };
}

/** The frames of `tenantId`'s events (in log order) for a valid request. */
export function framesOf(events: Parameters<typeof replayAt>[0], tenantId: string, request: FramesRequest, names: ReplayNames = UNNAMED): FramesView {
  const all = [...events];
  const filter = {
    ...(request.teamId === undefined ? {} : { teamId: request.teamId }),
    ...(request.cycleId === undefined ? {} : { cycleId: request.cycleId }),
  };
  const frames = frameInstants(request.from, request.to, request.step).map((at): Frame => {
    const view = replayAt(all, tenantId, at, filter, names, request.checkIns);
    if (request.objectiveId === undefined) return { at: view.asOf, objectives: view.objectives, learnings: view.learnings };
    return {
      at: view.asOf,
      objectives: view.objectives.filter((o) => o.id === request.objectiveId),
      learnings: view.learnings.filter((l) => l.objectiveId === request.objectiveId),
    };
  });
  return { frames };
}
