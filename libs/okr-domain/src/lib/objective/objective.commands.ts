import type { Command } from '../shared/envelope';
import type { KeyResultMeasure, KeyResultTarget } from './key-result';

export type SetObjective = Command<
  'SetObjective',
  { objectiveId: string; cycleId: string; teamId: string; ownerId: string; title: string; description?: string }
>;
export type RewordObjective = Command<'RewordObjective', { title: string; description?: string; reason?: string }>;
export type AlignObjective = Command<'AlignObjective', { parentObjectiveId: string }>;
export type WithdrawAlignment = Command<'WithdrawAlignment', { parentObjectiveId: string; reason: string }>;
export type AddKeyResult = Command<
  'AddKeyResult',
  { keyResultId: string; title: string; ownerId?: string; measure: KeyResultMeasure }
>;
export type ReviseKeyResultTarget = Command<
  'ReviseKeyResultTarget',
  { keyResultId: string; to: KeyResultTarget; reason: string }
>;
export type DropKeyResult = Command<'DropKeyResult', { keyResultId: string; reason: string }>;
export type TransferOwnership = Command<'TransferOwnership', { newOwnerId: string; reason?: string }>;
export type ActivateObjective = Command<'ActivateObjective', Record<string, never>>;
export type GradeAndClose = Command<
  'GradeAndClose',
  {
    keyResultGrades: { keyResultId: string; grade: number }[];
    overallGrade?: number;
    /** Required when `overallGrade` is more than 0.2 away from the key results' mean. */
    overallGradeReason?: string;
    retrospective: string;
  }
>;
/** Corrects some key-result grades and/or the overall grade of a graded objective, with a reason. */
export type CorrectGrade = Command<
  'CorrectGrade',
  { keyResultGrades?: { keyResultId: string; grade: number }[]; overallGrade?: number; reason: string }
>;
export type ArchiveObjective = Command<'ArchiveObjective', { reason?: string }>;
/** The application checked the cycles (this one over, the other one later and not over). */
export type CarryOverObjective = Command<'CarryOverObjective', { toObjectiveId: string; toCycleId: string; reason: string }>;
/** Right after `SetObjective`: this objective continues `fromObjectiveId` of an earlier cycle. */
export type LinkCarriedOverFrom = Command<'LinkCarriedOverFrom', { fromObjectiveId: string; fromCycleId: string; reason: string }>;

export type ObjectiveCommand =
  | SetObjective
  | RewordObjective
  | AlignObjective
  | WithdrawAlignment
  | AddKeyResult
  | ReviseKeyResultTarget
  | DropKeyResult
  | TransferOwnership
  | ActivateObjective
  | GradeAndClose
  | CorrectGrade
  | ArchiveObjective
  | CarryOverObjective
  | LinkCarriedOverFrom;
