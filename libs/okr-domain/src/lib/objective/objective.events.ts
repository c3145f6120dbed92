import type { DomainEvent } from '../shared/envelope';
import type { KeyResultMeasure, KeyResultTarget } from './key-result';

export const OBJECTIVE_CATEGORY = 'objective';

export type ObjectiveSet = DomainEvent<
  'ObjectiveSet',
  {
    objectiveId: string;
    cycleId: string;
    teamId: string;
    ownerId: string;
    title: string;
    description?: string;
  }
>;
export type ObjectiveReworded = DomainEvent<
  'ObjectiveReworded',
  { objectiveId: string; from: { title: string; description?: string }; to: { title: string; description?: string }; reason?: string }
>;
export type ObjectiveAligned = DomainEvent<'ObjectiveAligned', { objectiveId: string; parentObjectiveId: string }>;
export type ObjectiveAlignmentWithdrawn = DomainEvent<
  'ObjectiveAlignmentWithdrawn',
  { objectiveId: string; parentObjectiveId: string; reason: string }
>;
export type KeyResultAdded = DomainEvent<
  'KeyResultAdded',
  { objectiveId: string; keyResultId: string; title: string; ownerId?: string; measure: KeyResultMeasure }
>;
export type KeyResultTargetRevised = DomainEvent<
  'KeyResultTargetRevised',
  { objectiveId: string; keyResultId: string; from: KeyResultTarget; to: KeyResultTarget; reason: string }
>;
export type KeyResultDropped = DomainEvent<'KeyResultDropped', { objectiveId: string; keyResultId: string; reason: string }>;
/**
 * Schema version 2: the owners are named for what they are (`fromOwnerId`, `toOwnerId`), as in
 * `ObjectiveSet.ownerId`. Version 1 (`from`, `to`) is lifted on read by the objective upcasters.
 */
export type ObjectiveOwnershipTransferred = DomainEvent<
  'ObjectiveOwnershipTransferred',
  { objectiveId: string; fromOwnerId: string; toOwnerId: string; reason?: string }
>;
export type ObjectiveActivated = DomainEvent<'ObjectiveActivated', { objectiveId: string }>;
export type ObjectiveGraded = DomainEvent<
  'ObjectiveGraded',
  {
    objectiveId: string;
    keyResultGrades: { keyResultId: string; grade: number }[];
    /** 0.0-1.0; the mean of the key-result grades unless the team said otherwise. */
    overallGrade: number;
    /** Why the overall grade is far from the key results' mean (required then; absent in older events). */
    overallGradeReason?: string;
    retrospective: string;
  }
>;
/** The grades of a graded objective, as they stood before or after a correction. */
export type ObjectiveGrades = { overallGrade: number; keyResultGrades: { keyResultId: string; grade: number }[] };
/** A grade given at closing, corrected later with a reason; the first grading stays in the record. */
export type ObjectiveGradeCorrected = DomainEvent<
  'ObjectiveGradeCorrected',
  { objectiveId: string; from: ObjectiveGrades; to: ObjectiveGrades; reason: string }
>;
export type ObjectiveArchived = DomainEvent<'ObjectiveArchived', { objectiveId: string; reason?: string }>;
/**
 * The objective's cycle is over and the team goes on with it in a later cycle, as `toObjectiveId`. It
 * stays in its own cycle, ungraded unless graded later; only grading and archiving remain possible.
 */
export type ObjectiveCarriedOver = DomainEvent<
  'ObjectiveCarriedOver',
  { objectiveId: string; fromCycleId: string; toObjectiveId: string; toCycleId: string; reason: string }
>;
/** The other end of {@link ObjectiveCarriedOver}: this objective continues `fromObjectiveId`. */
export type ObjectiveCarriedOverFrom = DomainEvent<
  'ObjectiveCarriedOverFrom',
  { objectiveId: string; fromObjectiveId: string; fromCycleId: string; reason: string }
>;

export type ObjectiveEvent =
  | ObjectiveSet
  | ObjectiveReworded
  | ObjectiveAligned
  | ObjectiveAlignmentWithdrawn
  | KeyResultAdded
  | KeyResultTargetRevised
  | KeyResultDropped
  | ObjectiveOwnershipTransferred
  | ObjectiveActivated
  | ObjectiveGraded
  | ObjectiveGradeCorrected
  | ObjectiveArchived
  | ObjectiveCarriedOver
  | ObjectiveCarriedOverFrom;

/** One entry per objective event type: a type added to {@link ObjectiveEvent} and not here does not compile. */
const OBJECTIVE_EVENT_TYPE_SET: Record<ObjectiveEvent['type'], true> = {
  ObjectiveSet: true,
  ObjectiveReworded: true,
  ObjectiveAligned: true,
  ObjectiveAlignmentWithdrawn: true,
  KeyResultAdded: true,
  KeyResultTargetRevised: true,
  KeyResultDropped: true,
  ObjectiveOwnershipTransferred: true,
  ObjectiveActivated: true,
  ObjectiveGraded: true,
  ObjectiveArchived: true,
  ObjectiveCarriedOver: true,
  ObjectiveCarriedOverFrom: true,
  ObjectiveGradeCorrected: true,
};

/** Every objective event type, for projections that follow the whole stream. */
export const OBJECTIVE_EVENT_TYPES = Object.keys(OBJECTIVE_EVENT_TYPE_SET) as readonly ObjectiveEvent['type'][];
