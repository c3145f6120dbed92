import { DeciderSpecification, replay } from '../../testing/decider-spec';
import { OBJECTIVE_ID, activated, archived, command, draftWithKeyResult, event, graded, objectiveSet } from '../../testing/objective.fixtures';
import { objectiveDecider } from './objective.decider';

const spec = DeciderSpecification.for(objectiveDecider);
const active = [...draftWithKeyResult, activated];
const reason = 'Activation stalled on the import step; we keep going in Q1.';
const carryOver = (data: Partial<{ toObjectiveId: string; toCycleId: string; reason: string }> = {}) =>
  command('CarryOverObjective', { toObjectiveId: 'obj-2', toCycleId: 'cycle-2027-q1', reason, ...data });
const carriedOver = event('ObjectiveCarriedOver', {
  objectiveId: OBJECTIVE_ID,
  fromCycleId: 'cycle-2026-q4',
  toObjectiveId: 'obj-2',
  toCycleId: 'cycle-2027-q1',
  reason,
});
const link = command('LinkCarriedOverFrom', { fromObjectiveId: 'obj-0', fromCycleId: 'cycle-2026-q3', reason });

describe('objective decider: carry-over', () => {
  it('carries an unfinished objective over to a later cycle, with a reason', () => {
    spec.given(active).when(carryOver()).then([carriedOver]);
    spec.given(draftWithKeyResult).when(carryOver()).then([carriedOver]);
  });

  it('refuses without a reason, to its own cycle, twice, or once graded or archived', () => {
    spec.given(active).when(carryOver({ reason: ' ' })).thenThrows('reason-required');
    spec.given(active).when(carryOver({ toCycleId: 'cycle-2026-q4' })).thenThrows('carry-over-to-same-cycle');
    spec.given([...active, carriedOver]).when(carryOver()).thenThrows('objective-carried-over');
    spec.given([...active, graded]).when(carryOver()).thenThrows('objective-closed');
    spec.given([...active, archived]).when(carryOver()).thenThrows('objective-archived');
  });

  it('leaves the old objective to be graded or archived, and nothing else', () => {
    const error = spec.given([...active, carriedOver]).when(command('RewordObjective', { title: 'New words' })).thenThrows('objective-carried-over');
    expect(error.details).toEqual({ toObjectiveId: 'obj-2', toCycleId: 'cycle-2027-q1' });
    spec
      .given([...active, carriedOver])
      .when(command('GradeAndClose', { keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.4 }], retrospective: 'Half-way; goes on in Q1.' }))
      .then([event('ObjectiveGraded', { objectiveId: OBJECTIVE_ID, keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.4 }], overallGrade: 0.4, retrospective: 'Half-way; goes on in Q1.' })]);
    spec.given([...active, carriedOver]).when(command('ArchiveObjective', {})).then([archived]);
  });

  it('links a newly set objective to the one it continues, once, before anything else', () => {
    spec
      .given([objectiveSet])
      .when(link)
      .then([event('ObjectiveCarriedOverFrom', { objectiveId: OBJECTIVE_ID, fromObjectiveId: 'obj-0', fromCycleId: 'cycle-2026-q3', reason })]);
    spec.given(draftWithKeyResult).when(link).thenThrows('carry-over-link-too-late');
  });

  it('remembers both ends of the link', () => {
    const old = replay(objectiveDecider, [...active, carriedOver]);
    expect(old).toMatchObject({ status: 'active', carriedOverTo: { objectiveId: 'obj-2', cycleId: 'cycle-2027-q1', reason } });
    const continued = replay(objectiveDecider, [
      objectiveSet,
      event('ObjectiveCarriedOverFrom', { objectiveId: OBJECTIVE_ID, fromObjectiveId: 'obj-0', fromCycleId: 'cycle-2026-q3', reason }),
    ]);
    expect(continued).toMatchObject({ status: 'draft', carriedOverFrom: { objectiveId: 'obj-0', cycleId: 'cycle-2026-q3', reason } });
  });
});
