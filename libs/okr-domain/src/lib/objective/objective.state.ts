import { ignoreUnknownEvent } from '../shared/exhaustive';
import type { KeyResultMeasure } from './key-result';
import { withTarget } from './key-result.rules';
import type { ObjectiveEvent } from './objective.events';

/**
 * What the objective decider knows about one objective: the fold of its stream. It holds no
 * revision: the expected revision of an append belongs to the command handler, not the domain.
 */

/** A key result as the objective remembers it. Dropped ones stay, so their history and ids stay taken. */
export interface KeyResultState {
  id: string;
  title: string;
  ownerId?: string;
  measure: KeyResultMeasure;
  dropped: boolean;
  droppedReason?: string;
}

/** The end-of-cycle assessment written when an objective is graded and closed. */
export interface ObjectiveGrade {
  /** 0..1. */
  overallGrade: number;
  keyResultGrades: { keyResultId: string; grade: number }[];
  overallGradeReason?: string;
  retrospective: string;
}

/** Lifecycle: draft -> active -> closed, and archived from any of those. Closed and archived are final. */
export const OBJECTIVE_STATUSES = ['draft', 'active', 'closed', 'archived'] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];

/** An objective stream before its first event. */
export interface EmptyObjective {
  status: 'empty';
}

/** An objective that has been set. */
export interface ExistingObjective {
  status: ObjectiveStatus;
  id: string;
  cycleId: string;
  teamId: string;
  ownerId: string;
  title: string;
  description?: string;
  /** Objectives this one contributes to, in the order they were aligned. */
  parentObjectiveIds: string[];
  /** In the order they were added, dropped ones included. */
  keyResults: KeyResultState[];
  grade?: ObjectiveGrade;
  /** Set when the team went on with it in a later cycle. */
  carriedOverTo?: CarryOverLink;
  /** Set when it continues an objective of an earlier cycle. */
  carriedOverFrom?: CarryOverLink;
}

/** One end of a carry-over: the objective at the other end, its cycle, and why. */
export interface CarryOverLink {
  objectiveId: string;
  cycleId: string;
  reason: string;
}

/** Everything `decideObjective` needs to know about an objective. */
export type ObjectiveState = EmptyObjective | ExistingObjective;

/** The state of an objective stream with no events. */
export const initialObjectiveState = (): ObjectiveState => ({ status: 'empty' });

/** The key results that still count: not dropped. Empty for an objective that does not exist. */
export const activeKeyResults = (state: ObjectiveState): KeyResultState[] =>
  state.status === 'empty' ? [] : state.keyResults.filter((kr) => !kr.dropped);

const updateKeyResult = (
  state: ExistingObjective,
  keyResultId: string,
  change: (kr: KeyResultState) => KeyResultState,
): ExistingObjective => ({
  ...state,
  keyResults: state.keyResults.map((kr) => (kr.id === keyResultId ? change(kr) : kr)),
});

/**
 * Folds one objective event into the state, returning a new state (the old one is left untouched,
 * so a replay can be stopped and kept at any point). Never throws: events are facts already decided,
 * and an event on an empty stream or of an unknown type leaves the state as it is.
 */
export const evolveObjective = (state: ObjectiveState, event: ObjectiveEvent): ObjectiveState => {
  if (event.type === 'ObjectiveSet') {
    const { objectiveId, cycleId, teamId, ownerId, title, description } = event.data;
    return {
      status: 'draft',
      id: objectiveId,
      cycleId,
      teamId,
      ownerId,
      title,
      ...(description === undefined ? {} : { description }),
      parentObjectiveIds: [],
      keyResults: [],
    };
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'ObjectiveReworded': {
      const { title, description } = event.data.to;
      const { description: _previous, ...rest } = state;
      return { ...rest, title, ...(description === undefined ? {} : { description }) };
    }
    case 'ObjectiveAligned': {
      const { parentObjectiveId } = event.data;
      return state.parentObjectiveIds.includes(parentObjectiveId)
        ? state
        : { ...state, parentObjectiveIds: [...state.parentObjectiveIds, parentObjectiveId] };
    }
    case 'ObjectiveAlignmentWithdrawn':
      return {
        ...state,
        parentObjectiveIds: state.parentObjectiveIds.filter((id) => id !== event.data.parentObjectiveId),
      };
    case 'KeyResultAdded': {
      const { keyResultId, title, ownerId, measure } = event.data;
      const keyResult: KeyResultState = {
        id: keyResultId,
        title,
        ...(ownerId === undefined ? {} : { ownerId }),
        measure,
        dropped: false,
      };
      return { ...state, keyResults: [...state.keyResults, keyResult] };
    }
    case 'KeyResultTargetRevised':
      return updateKeyResult(state, event.data.keyResultId, (kr) => ({
        ...kr,
        measure: withTarget(kr.measure, event.data.to),
      }));
    case 'KeyResultDropped':
      return updateKeyResult(state, event.data.keyResultId, (kr) => ({
        ...kr,
        dropped: true,
        droppedReason: event.data.reason,
      }));
    case 'ObjectiveOwnershipTransferred':
      return { ...state, ownerId: event.data.toOwnerId };
    case 'ObjectiveActivated':
      return { ...state, status: 'active' };
    case 'ObjectiveGraded': {
      const { overallGrade, keyResultGrades, overallGradeReason, retrospective } = event.data;
      return {
        ...state,
        status: 'closed',
        grade: {
          overallGrade,
          keyResultGrades: keyResultGrades.map((g) => ({ ...g })),
          ...(overallGradeReason === undefined ? {} : { overallGradeReason }),
          retrospective,
        },
      };
    }
    case 'ObjectiveGradeCorrected': {
      if (state.grade === undefined) return state;
      const { overallGrade, keyResultGrades } = event.data.to;
      return { ...state, grade: { ...state.grade, overallGrade, keyResultGrades: keyResultGrades.map((g) => ({ ...g })) } };
    }
    case 'ObjectiveArchived':
      return { ...state, status: 'archived' };
    case 'ObjectiveCarriedOver': {
      const { toObjectiveId, toCycleId, reason } = event.data;
      return { ...state, carriedOverTo: { objectiveId: toObjectiveId, cycleId: toCycleId, reason } };
    }
    case 'ObjectiveCarriedOverFrom': {
      const { fromObjectiveId, fromCycleId, reason } = event.data;
      return { ...state, carriedOverFrom: { objectiveId: fromObjectiveId, cycleId: fromCycleId, reason } };
    }
    default:
      return ignoreUnknownEvent(event, state);
  }
};
