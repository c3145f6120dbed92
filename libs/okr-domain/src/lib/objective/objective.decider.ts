import type { Decider } from '../shared/envelope';
import { notFound, ruleBroken } from '../shared/errors';
import { unhandledCommand } from '../shared/exhaustive';
import { requiredText, text } from '../shared/text';
import { targetOf } from './key-result-progress';
import { MAX_TITLE_LENGTH, reviseMeasure, sameTarget, validateMeasure } from './key-result.rules';
import type * as C from './objective.commands';
import { correctGrade, gradeAndClose } from './objective.grading';
import type { ObjectiveEvent } from './objective.events';
import type { ExistingObjective, KeyResultState, ObjectiveState } from './objective.state';
import { activeKeyResults, evolveObjective, initialObjectiveState } from './objective.state';


/** `{ [key]: trimmed }`, or nothing when blank: optional text is either said or absent, never ''. */
const optionalText = <K extends string>(key: K, value: unknown): { [P in K]?: string } =>
  (text(value) === '' ? {} : { [key]: text(value) }) as { [P in K]?: string };

const required = requiredText;

const title = (value: unknown): string => {
  const trimmed = required(value, 'title-required', 'title');
  if (trimmed.length > MAX_TITLE_LENGTH) {
    throw ruleBroken('title-too-long', `A title has at most ${MAX_TITLE_LENGTH} characters.`, {
      field: 'title',
      length: trimmed.length,
    });
  }
  return trimmed;
};

const keyResult = (state: ExistingObjective, keyResultId: string): KeyResultState => {
  const found = state.keyResults.find((kr) => kr.id === keyResultId);
  if (!found) throw notFound('key-result-not-found', 'This objective has no such key result.', { keyResultId });
  if (found.dropped) throw ruleBroken('key-result-dropped', `Key result "${found.title}" was dropped.`, { keyResultId });
  return found;
};

const setObjective = ({ data }: C.SetObjective): ObjectiveEvent[] => [
  {
    type: 'ObjectiveSet',
    data: {
      objectiveId: required(data.objectiveId, 'objective-id-required', 'objectiveId'),
      cycleId: required(data.cycleId, 'cycle-required', 'cycleId'),
      teamId: required(data.teamId, 'team-required', 'teamId'),
      ownerId: required(data.ownerId, 'owner-required', 'ownerId'),
      title: title(data.title),
      ...optionalText('description', data.description),
    },
  },
];

const reword = (s: ExistingObjective, { data }: C.RewordObjective): ObjectiveEvent[] => {
  const to = { title: title(data.title), ...optionalText('description', data.description) };
  // Saying the same thing again is not a change, and history should only hold changes.
  if (to.title === s.title && to.description === s.description) return [];
  const from = { title: s.title, ...optionalText('description', s.description) };
  return [{ type: 'ObjectiveReworded', data: { objectiveId: s.id, from, to, ...optionalText('reason', data.reason) } }];
};

const align = (s: ExistingObjective, { data }: C.AlignObjective): ObjectiveEvent[] => {
  const parentObjectiveId = required(data.parentObjectiveId, 'parent-objective-required', 'parentObjectiveId');
  if (parentObjectiveId === s.id) throw ruleBroken('self-alignment', 'An objective cannot align to itself.');
  if (s.parentObjectiveIds.includes(parentObjectiveId)) return [];
  return [{ type: 'ObjectiveAligned', data: { objectiveId: s.id, parentObjectiveId } }];
};

const withdrawAlignment = (s: ExistingObjective, { data }: C.WithdrawAlignment): ObjectiveEvent[] => {
  const { parentObjectiveId } = data;
  if (!s.parentObjectiveIds.includes(parentObjectiveId)) {
    throw ruleBroken('not-aligned', `"${s.title}" is not aligned to that parent objective.`, { parentObjectiveId });
  }
  const reason = required(data.reason, 'reason-required', 'reason');
  return [{ type: 'ObjectiveAlignmentWithdrawn', data: { objectiveId: s.id, parentObjectiveId, reason } }];
};

const addKeyResult = (s: ExistingObjective, { data }: C.AddKeyResult): ObjectiveEvent[] => {
  const keyResultId = required(data.keyResultId, 'key-result-id-required', 'keyResultId');
  // Ids of dropped key results stay taken: check-ins and learnings may still point at them.
  const taken = s.keyResults.find((kr) => kr.id === keyResultId);
  if (taken) {
    throw ruleBroken('key-result-already-exists', `Key result "${taken.title}" already has this id.`, { keyResultId });
  }
  const krTitle = title(data.title);
  const same = (t: string) => t.trim().toLowerCase() === krTitle.toLowerCase();
  if (activeKeyResults(s).some((kr) => same(kr.title))) {
    throw ruleBroken('duplicate-key-result-title', `A key result titled "${krTitle}" already exists.`, {
      field: 'title',
    });
  }
  const owner = data.ownerId === undefined ? {} : { ownerId: required(data.ownerId, 'owner-required', 'ownerId') };
  const measure = validateMeasure(data.measure);
  return [{ type: 'KeyResultAdded', data: { objectiveId: s.id, keyResultId, title: krTitle, ...owner, measure } }];
};

const reviseTarget = (s: ExistingObjective, { data }: C.ReviseKeyResultTarget): ObjectiveEvent[] => {
  const kr = keyResult(s, data.keyResultId);
  const revised = reviseMeasure(kr.measure, data.to);
  const from = targetOf(kr.measure);
  const to = targetOf(revised);
  // reviseMeasure refused milestones, so both exist; the check keeps the types honest.
  if (from === undefined || to === undefined) throw ruleBroken('milestone-has-no-target', 'A milestone has no target.');
  if (sameTarget(from, to)) throw ruleBroken('target-unchanged', 'The target is already that.', { keyResultId: kr.id });
  const reason = required(data.reason, 'reason-required', 'reason');
  return [{ type: 'KeyResultTargetRevised', data: { objectiveId: s.id, keyResultId: kr.id, from, to, reason } }];
};

const dropKeyResult = (s: ExistingObjective, { data }: C.DropKeyResult): ObjectiveEvent[] => {
  const kr = keyResult(s, data.keyResultId);
  const reason = required(data.reason, 'reason-required', 'reason');
  return [{ type: 'KeyResultDropped', data: { objectiveId: s.id, keyResultId: kr.id, reason } }];
};

const transferOwnership = (s: ExistingObjective, { data }: C.TransferOwnership): ObjectiveEvent[] => {
  const to = required(data.newOwnerId, 'owner-required', 'newOwnerId');
  if (to === s.ownerId) throw ruleBroken('already-owner', 'They already own this objective.', { ownerId: to });
  const reason = optionalText('reason', data.reason);
  return [{ type: 'ObjectiveOwnershipTransferred', data: { objectiveId: s.id, fromOwnerId: s.ownerId, toOwnerId: to, ...reason } }];
};

const activate = (s: ExistingObjective): ObjectiveEvent[] => {
  if (s.status === 'active') throw ruleBroken('objective-already-active', 'The objective is already active.');
  if (activeKeyResults(s).length === 0) {
    throw ruleBroken('key-results-required', 'An objective needs at least one key result to be activated.');
  }
  return [{ type: 'ObjectiveActivated', data: { objectiveId: s.id } }];
};

const archive = (s: ExistingObjective, { data }: C.ArchiveObjective): ObjectiveEvent[] => [
  { type: 'ObjectiveArchived', data: { objectiveId: s.id, ...optionalText('reason', data.reason) } },
];

const carryOver = (s: ExistingObjective, { data }: C.CarryOverObjective): ObjectiveEvent[] => {
  const toObjectiveId = required(data.toObjectiveId, 'objective-id-required', 'toObjectiveId');
  const toCycleId = required(data.toCycleId, 'cycle-required', 'toCycleId');
  if (toCycleId === s.cycleId) {
    throw ruleBroken('carry-over-to-same-cycle', 'An objective is carried over to another cycle than its own.', { field: 'toCycleId' });
  }
  const reason = required(data.reason, 'reason-required', 'reason');
  return [{ type: 'ObjectiveCarriedOver', data: { objectiveId: s.id, fromCycleId: s.cycleId, toObjectiveId, toCycleId, reason } }];
};

const linkCarriedOverFrom = (s: ExistingObjective, { data }: C.LinkCarriedOverFrom): ObjectiveEvent[] => {
  if (s.carriedOverFrom !== undefined || s.keyResults.length > 0 || s.status !== 'draft') {
    throw ruleBroken('carry-over-link-too-late', 'Only a newly set objective can continue one of an earlier cycle.');
  }
  const fromObjectiveId = required(data.fromObjectiveId, 'objective-id-required', 'fromObjectiveId');
  const fromCycleId = required(data.fromCycleId, 'cycle-required', 'fromCycleId');
  const reason = required(data.reason, 'reason-required', 'reason');
  return [{ type: 'ObjectiveCarriedOverFrom', data: { objectiveId: s.id, fromObjectiveId, fromCycleId, reason } }];
};

/**
 * Closed and archived objectives are history: only archiving a closed one, or correcting its grade, is
 * still allowed. A
 * carried-over objective lives on in its new cycle: the old one can still be graded (its cycle's
 * record) or archived, nothing else.
 */
const assertChangeable = (s: ExistingObjective, command: C.ObjectiveCommand): void => {
  if (s.status === 'archived') throw ruleBroken('objective-archived', 'The objective is archived.');
  if (s.status === 'closed' && command.type !== 'ArchiveObjective' && command.type !== 'CorrectGrade') {
    throw ruleBroken('objective-closed', 'The objective is closed.');
  }
  const stillAllowed = ['GradeAndClose', 'CorrectGrade', 'ArchiveObjective'];
  if (s.carriedOverTo !== undefined && !stillAllowed.includes(command.type)) {
    throw ruleBroken('objective-carried-over', 'The objective was carried over to a later cycle: change it there.', {
      toObjectiveId: s.carriedOverTo.objectiveId,
      toCycleId: s.carriedOverTo.cycleId,
    });
  }
};

/**
 * Decides what an objective command means, returning the events to append ([] when the command
 * changes nothing). Throws a {@link DomainError}: kind `not-found` for `objective-not-found` and
 * `key-result-not-found`, `rule-broken` for every other code (see the README of this lib).
 */
export const decideObjective = (command: C.ObjectiveCommand, state: ObjectiveState): ObjectiveEvent[] => {
  if (state.status === 'empty') {
    if (command.type !== 'SetObjective') throw notFound('objective-not-found', 'Objective not found.');
    return setObjective(command);
  }
  if (command.type === 'SetObjective') {
    throw ruleBroken('objective-already-exists', `Objective "${state.title}" already exists.`, { objectiveId: state.id });
  }
  assertChangeable(state, command);
  switch (command.type) {
    case 'RewordObjective':
      return reword(state, command);
    case 'AlignObjective':
      return align(state, command);
    case 'WithdrawAlignment':
      return withdrawAlignment(state, command);
    case 'AddKeyResult':
      return addKeyResult(state, command);
    case 'ReviseKeyResultTarget':
      return reviseTarget(state, command);
    case 'DropKeyResult':
      return dropKeyResult(state, command);
    case 'TransferOwnership':
      return transferOwnership(state, command);
    case 'ActivateObjective':
      return activate(state);
    case 'GradeAndClose':
      return gradeAndClose(state, command);
    case 'CorrectGrade':
      return correctGrade(state, command);
    case 'ArchiveObjective':
      return archive(state, command);
    case 'CarryOverObjective':
      return carryOver(state, command);
    case 'LinkCarriedOverFrom':
      return linkCarriedOverFrom(state, command);
    default:
      return unhandledCommand(command);
  }
};

/** The objective aggregate as an emmett-style decider, for the generic command handler. */
export const objectiveDecider: Decider<ObjectiveState, C.ObjectiveCommand, ObjectiveEvent> = {
  decide: decideObjective,
  evolve: evolveObjective,
  initialState: initialObjectiveState,
  stateVersion: 'objective-state-v1',
};

export { activeKeyResults, evolveObjective, initialObjectiveState };
export type { ObjectiveState };
