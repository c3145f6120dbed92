import { replay } from '../../testing/decider-spec';
import {
  OBJECTIVE_ID,
  PARENT_ID,
  activated,
  archived,
  decrease,
  draftWithKeyResult,
  event,
  graded,
  increase,
  keyResultAdded,
  keyResultDropped,
  objectiveSet,
  range,
} from '../../testing/objective.fixtures';
import type { ObjectiveEvent } from './objective.events';
import { activeKeyResults, evolveObjective, initialObjectiveState, objectiveDecider } from './objective.decider';

/** A whole objective lifetime, in the order it could really happen. */
const lifetime: ObjectiveEvent[] = [
  objectiveSet,
  event('ObjectiveReworded', {
    objectiveId: OBJECTIVE_ID,
    from: { title: objectiveSet.data.title, description: 'Checkout is where we lose people.' },
    to: { title: 'Paying is effortless' },
  }),
  event('ObjectiveAligned', { objectiveId: OBJECTIVE_ID, parentObjectiveId: PARENT_ID }),
  event('ObjectiveAligned', { objectiveId: OBJECTIVE_ID, parentObjectiveId: 'obj-other' }),
  event('ObjectiveAlignmentWithdrawn', { objectiveId: OBJECTIVE_ID, parentObjectiveId: PARENT_ID, reason: 'Parent dropped' }),
  keyResultAdded('kr-1', 'Checkout conversion', increase),
  event('KeyResultAdded', { objectiveId: OBJECTIVE_ID, keyResultId: 'kr-2', title: 'Refund time', ownerId: 'user-bo', measure: decrease }),
  keyResultAdded('kr-3', 'Support load', range),
  event('KeyResultTargetRevised', { objectiveId: OBJECTIVE_ID, keyResultId: 'kr-1', from: { target: 80 }, to: { target: 75 }, reason: 'x' }),
  event('KeyResultTargetRevised', { objectiveId: OBJECTIVE_ID, keyResultId: 'kr-3', from: { min: 20, max: 40 }, to: { min: 10, max: 30 }, reason: 'y' }),
  keyResultDropped('kr-2', 'Refunds moved to another team'),
  event('ObjectiveOwnershipTransferred', { objectiveId: OBJECTIVE_ID, fromOwnerId: 'user-ann', toOwnerId: 'user-cy' }),
  activated,
];

describe('objective evolve', () => {
  it('starts empty', () => {
    expect(initialObjectiveState()).toEqual({ status: 'empty' });
  });

  it('sets a draft objective', () => {
    expect(replay(objectiveDecider, [objectiveSet])).toStrictEqual({
      status: 'draft',
      id: OBJECTIVE_ID,
      cycleId: 'cycle-2026-q4',
      teamId: 'team-payments',
      ownerId: 'user-ann',
      title: 'Customers pay without friction',
      description: 'Checkout is where we lose people.',
      parentObjectiveIds: [],
      keyResults: [],
    });
  });

  it('folds a whole lifetime into the expected state', () => {
    expect(replay(objectiveDecider, lifetime)).toStrictEqual({
      status: 'active',
      id: OBJECTIVE_ID,
      cycleId: 'cycle-2026-q4',
      teamId: 'team-payments',
      ownerId: 'user-cy',
      title: 'Paying is effortless',
      parentObjectiveIds: ['obj-other'],
      keyResults: [
        { id: 'kr-1', title: 'Checkout conversion', measure: { ...increase, target: 75 }, dropped: false },
        {
          id: 'kr-2',
          title: 'Refund time',
          ownerId: 'user-bo',
          measure: decrease,
          dropped: true,
          droppedReason: 'Refunds moved to another team',
        },
        { id: 'kr-3', title: 'Support load', measure: { ...range, min: 10, max: 30 }, dropped: false },
      ],
    });
  });

  it('drops the description when a rewording has none', () => {
    expect(replay(objectiveDecider, lifetime.slice(0, 2))).not.toHaveProperty('description');
  });

  it('stores the grade and closes', () => {
    const state = replay(objectiveDecider, [...draftWithKeyResult, activated, graded]);
    expect(state).toMatchObject({
      status: 'closed',
      grade: { overallGrade: 0.7, keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.7 }], retrospective: graded.data.retrospective },
    });
  });

  it('archives a closed objective and keeps its grade', () => {
    const state = replay(objectiveDecider, [...draftWithKeyResult, activated, graded, archived]);
    expect(state).toMatchObject({ status: 'archived', grade: { overallGrade: 0.7 } });
  });

  it('can stop at any point: replaying a prefix gives the state as it was then', () => {
    const before = replay(objectiveDecider, lifetime.slice(0, 9));
    const after = replay(objectiveDecider, lifetime);
    expect(before).toMatchObject({ status: 'draft', ownerId: 'user-ann' });
    expect(activeKeyResults(before).map((kr) => kr.id)).toEqual(['kr-1', 'kr-2', 'kr-3']);
    expect(activeKeyResults(after).map((kr) => kr.id)).toEqual(['kr-1', 'kr-3']);
  });

  it('does not change the state it folds from (replay freezes every state)', () => {
    expect(() => replay(objectiveDecider, [...lifetime, graded, archived])).not.toThrow();
  });

  it('aligning twice to the same parent keeps one alignment', () => {
    const again = event('ObjectiveAligned', { objectiveId: OBJECTIVE_ID, parentObjectiveId: PARENT_ID });
    expect(replay(objectiveDecider, [objectiveSet, again, again])).toMatchObject({ parentObjectiveIds: [PARENT_ID] });
  });

  it('ignores events on a stream that was never set, and unknown event types', () => {
    const empty = initialObjectiveState();
    expect(evolveObjective(empty, activated)).toBe(empty);
    const draft = evolveObjective(empty, objectiveSet);
    const unknown = { type: 'ObjectiveRenamed', data: {} } as unknown as ObjectiveEvent;
    expect(evolveObjective(draft, unknown)).toBe(draft);
  });

  it('lists no active key results for an objective that does not exist', () => {
    expect(activeKeyResults(initialObjectiveState())).toEqual([]);
  });
});
