import {
  categoryOf,
  checkInStreamName,
  checkInsAsOf,
  checkInsKnownAt,
  keyResultProgress,
  latestCheckIn,
  latestConfidence,
  learningDecider,
  objectiveDecider,
  objectiveProgress,
  questionDecider,
  targetOf,
  type EventEnvelope,
  type ExistingObjective,
  type KeyResultMeasure,
  type KeyResultValue,
  type LearningEvent,
  type LearningResult,
  type LearningState,
  type ObjectiveEvent,
  type ObjectiveState,
  type ObjectiveStatus,
  type QuestionEvent,
  type QuestionState,
  type QuestionStatus,
  type QuestionSubject,
} from '@okr/okr-domain';

/**
 * Replay: a tenant's objectives, key results, progress, confidence and learnings exactly as they stood
 * at an instant. `replayAt` folds the events alone (pure: the same events and instant give the same
 * view): it is the definition the routes' answers, read from the temporal read model
 * (`replay-timeline.ts`), are tested against; no route folds the log. `replayObjective`,
 * `replayLearning` and `replayQuestion` shape what both show.
 */

export interface ReplayKeyResult {
  id: string;
  title: string;
  kind: KeyResultMeasure['kind'];
  /** `target` (increase / decrease) or `threshold` (stay at or above / below); null for ranges and milestones. */
  target: number | null;
  /** Only for `stay-within-range`. */
  min?: number;
  max?: number;
  /** The unit of its values (`%`, `signups`), when it has one. */
  unit?: string;
  /** The latest check-in known at the instant; null before the first. */
  value: KeyResultValue | null;
  confidence: number | null;
  progress: number;
}

export interface ReplayObjective {
  id: string;
  title: string;
  teamId: string;
  /** The team's display name (its id when the registry does not know it). */
  teamName: string;
  cycleId: string;
  /** The cycle's name; null when the view does not know the cycle. */
  cycleName: string | null;
  /** The objectives it was aligned to at the instant, in the order they were aligned. */
  parentObjectiveIds: string[];
  progress: number;
  status: ObjectiveStatus;
  keyResults: ReplayKeyResult[];
}

export interface ReplayLearning {
  id: string;
  result: LearningResult;
  insight: string;
  objectiveId?: string;
  keyResultIds: string[];
}

/** A question to a team as it stood: asked, answered (with the answers given by then) or set aside. */
export interface ReplayQuestion {
  id: string;
  subject: QuestionSubject;
  subjectId: string;
  objectiveId?: string;
  text: string;
  askedBy: string;
  status: QuestionStatus;
  answers: { text: string; answeredBy: string }[];
}

export interface ReplayView {
  asOf: string;
  objectives: ReplayObjective[];
  learnings: ReplayLearning[];
  questions: ReplayQuestion[];
}

export interface ReplayFilter {
  teamId?: string;
  cycleId?: string;
}

/**
 * The names people read beside the ids. They come from the registries of teams and cycles as they are
 * now (as every live view names them), not from the log: a replay shows a team by the name people know.
 */
export interface ReplayNames {
  team(teamId: string): string;
  cycle(cycleId: string): string | null;
}

/** No registry: a team by its id, a cycle unnamed. */
export const UNNAMED: ReplayNames = { team: (teamId) => teamId, cycle: () => null };

/**
 * Which check-ins a replay counts, the two times of a bitemporal check-in:
 * - `known`: what had been recorded (and corrected) by the instant: what the live views showed then;
 * - `corrected`: the truth as corrected since: every correction applied, whenever it was recorded, and
 *   every check-in describing a moment up to the instant, even one recorded later.
 */
export const CHECK_INS_READINGS = ['known', 'corrected'] as const;
export type CheckInsReading = (typeof CHECK_INS_READINGS)[number];

type Envelope = Pick<EventEnvelope, 'type' | 'data' | 'streamId' | 'metadata'>;

/** Flattens the measure's target numbers: `target ?? threshold`, plus `min` / `max` for a range, and its unit. */
const targetFields = (measure: KeyResultMeasure): Pick<ReplayKeyResult, 'target' | 'min' | 'max' | 'unit'> => {
  const t = targetOf(measure);
  const unit = 'unit' in measure && measure.unit !== undefined ? { unit: measure.unit } : {};
  if (t === undefined) return { target: null, ...unit };
  if ('min' in t) return { target: null, min: t.min, max: t.max, ...unit };
  return { target: 'target' in t ? t.target : t.threshold, ...unit };
};

/**
 * The view at `asOf` of `tenantId`'s events, given in log order (any tenants, any categories: the
 * rest is ignored). An event counts when its `occurredAt` is at or before `asOf`; check-ins count as
 * they were known then (recorded and corrected by `asOf`), which is what the live views showed, or as
 * corrected since (`checkIns: 'corrected'`, see {@link CheckInsReading}).
 */
export function replayAt(
  events: Iterable<Envelope>,
  tenantId: string,
  asOf: Date,
  filter: ReplayFilter = {},
  names: ReplayNames = UNNAMED,
  checkIns: CheckInsReading = 'known',
): ReplayView {
  const limit = asOf.getTime();
  const objectives = new Map<string, ObjectiveState>();
  const learnings = new Map<string, LearningState>();
  const checkInsByStream = new Map<string, Envelope[]>();
  const questions = new Map<string, QuestionState>();
  for (const event of events) {
    if (event.metadata.tenantId !== tenantId) continue;
    const category = categoryOf(event.streamId);
    // As corrected since, a check-in recorded or corrected after the instant still counts (checkInsAsOf sorts it out).
    const later = !(Date.parse(event.metadata.occurredAt) <= limit);
    if (later && !(category === 'checkins' && checkIns === 'corrected')) continue;
    switch (category) {
      case 'objective':
        objectives.set(
          event.streamId,
          objectiveDecider.evolve(objectives.get(event.streamId) ?? objectiveDecider.initialState(), event as unknown as ObjectiveEvent),
        );
        break;
      case 'learning':
        learnings.set(
          event.streamId,
          learningDecider.evolve(learnings.get(event.streamId) ?? learningDecider.initialState(), event as unknown as LearningEvent),
        );
        break;
      case 'question':
        questions.set(
          event.streamId,
          questionDecider.evolve(questions.get(event.streamId) ?? questionDecider.initialState(), event as unknown as QuestionEvent),
        );
        break;
      case 'checkins': {
        const stream = checkInsByStream.get(event.streamId) ?? [];
        stream.push(event);
        checkInsByStream.set(event.streamId, stream);
        break;
      }
    }
  }

  const shown: ReplayObjective[] = [];
  for (const state of objectives.values()) {
    if (state.status === 'empty') continue;
    if (filter.teamId !== undefined && state.teamId !== filter.teamId) continue;
    if (filter.cycleId !== undefined && state.cycleId !== filter.cycleId) continue;
    shown.push(replayObjective(state, (id) => checkInsByStream.get(checkInStreamName(id)) ?? [], asOf, names, checkIns));
  }

  const shownIds = new Set(shown.map((o) => o.id));
  const filtered = filter.teamId !== undefined || filter.cycleId !== undefined;
  // Filtered by team or cycle: a learning or question belongs to what it is about, or (team only) to its team.
  const belongs = (state: { objectiveId?: string; teamId?: string }): boolean =>
    !filtered ||
    (state.objectiveId !== undefined && shownIds.has(state.objectiveId)) ||
    (filter.cycleId === undefined && state.teamId !== undefined && state.teamId === filter.teamId);
  const learningViews: ReplayLearning[] = [];
  for (const state of learnings.values()) if (state.status !== 'empty' && belongs(state)) learningViews.push(replayLearning(state));
  const questionViews: ReplayQuestion[] = [];
  for (const state of questions.values()) if (state.status !== 'empty' && belongs(state)) questionViews.push(replayQuestion(state));
  return { asOf: asOf.toISOString(), objectives: shown, learnings: learningViews, questions: questionViews };
}

/** The shown part of a check-in stream's events: `occurredAt` and the event's type and data. */
export type CheckInEventOf = Pick<Envelope, 'type' | 'data'> & { readonly occurredAt?: string };

/**
 * An objective as a replay shows it at `asOf`, from its state then and its key results' check-in
 * events (any of them: those after `asOf` are left out here as each reading says).
 */
export function replayObjective(
  state: Pick<ExistingObjective, 'id' | 'title' | 'teamId' | 'cycleId' | 'status' | 'parentObjectiveIds'> & { keyResults: readonly Pick<ExistingObjective['keyResults'][number], 'id' | 'title' | 'measure' | 'dropped'>[] },
  checkInsOf: (keyResultId: string) => readonly CheckInEventOf[],
  asOf: Date,
  names: ReplayNames,
  checkIns: CheckInsReading,
): ReplayObjective {
  const limit = asOf.getTime();
  const keyResults = state.keyResults
    .filter((kr) => !kr.dropped)
    .map((kr): ReplayKeyResult => {
      const stream = checkInsOf(kr.id);
      const known =
        checkIns === 'known'
          ? checkInsKnownAt(stream.filter((event) => event.occurredAt === undefined || Date.parse(event.occurredAt) <= limit), asOf)
          : checkInsAsOf(stream, asOf);
      const latest = latestCheckIn(known);
      return {
        id: kr.id,
        title: kr.title,
        kind: kr.measure.kind,
        ...targetFields(kr.measure),
        value: latest?.value ?? null,
        confidence: latestConfidence(known) ?? null,
        progress: keyResultProgress(kr.measure, latest?.value),
      };
    });
  return {
    id: state.id,
    title: state.title,
    teamId: state.teamId,
    teamName: names.team(state.teamId),
    cycleId: state.cycleId,
    cycleName: names.cycle(state.cycleId),
    parentObjectiveIds: [...state.parentObjectiveIds],
    progress: objectiveProgress(keyResults.map((kr) => kr.progress)),
    status: state.status,
    keyResults,
  };
}

/** A learning as a replay shows it. */
export const replayLearning = (state: Extract<LearningState, { id: string }>): ReplayLearning => ({
  id: state.id,
  result: state.result,
  insight: state.insight,
  ...(state.objectiveId === undefined ? {} : { objectiveId: state.objectiveId }),
  keyResultIds: [...state.keyResultIds],
});

/** A question as a replay shows it. */
export const replayQuestion = (state: Extract<QuestionState, { id: string }>): ReplayQuestion => ({
  id: state.id,
  subject: state.subject,
  subjectId: state.subjectId,
  ...(state.objectiveId === undefined ? {} : { objectiveId: state.objectiveId }),
  text: state.text,
  askedBy: state.askedBy,
  status: state.status,
  answers: state.answers.map((a) => ({ ...a })),
});
