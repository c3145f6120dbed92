import { DeciderSpecification } from '../../testing/decider-spec';
import { OBJECTIVE_ID, activated, activeObjective, closedObjective, command, draftWithKeyResult, event, keyResultAdded, milestone } from '../../testing/objective.fixtures';
import { objectiveDecider } from './objective.decider';
import { evolveObjective } from './objective.state';

const spec = DeciderSpecification.for(objectiveDecider);
const retrospective = 'Activation climbed; onboarding shipped late.';

/** Active with kr-1 and kr-2. */
const active = [...draftWithKeyResult, keyResultAdded('kr-2', 'Onboarding', milestone), activated];
const grades = [
  { keyResultId: 'kr-1', grade: 0.4 },
  { keyResultId: 'kr-2', grade: 0.6 },
];

describe('objective decider: grades that say why', () => {
  describe('an overall grade more than 0.2 away from the key results\' average needs a reason', () => {
    it('refuses 0.9 over an average of 0.5 without a reason, saying so in numbers', () => {
      const error = spec
        .given(active)
        .when(command('GradeAndClose', { keyResultGrades: grades, overallGrade: 0.9, retrospective }))
        .thenThrows('grade-reason-required', 'rule-broken');
      expect(error.message).toBe(
        "The overall grade 0.9 is 0.4 away from the key results' average of 0.5; more than 0.2 needs a reason (overallGradeReason).",
      );
      expect(error.details).toMatchObject({ field: 'overallGradeReason', overallGrade: 0.9, average: 0.5 });
    });

    it('takes it with a reason, kept in the event', () => {
      spec
        .given(active)
        .when(command('GradeAndClose', { keyResultGrades: grades, overallGrade: 0.9, overallGradeReason: ' Onboarding was the bet ', retrospective }))
        .then([
          event('ObjectiveGraded', { objectiveId: OBJECTIVE_ID, keyResultGrades: grades, overallGrade: 0.9, overallGradeReason: 'Onboarding was the bet', retrospective }),
        ]);
    });

    it.each([0.7, 0.3, 0.5])('exactly 0.2 away or closer (%p) needs none', (overallGrade) => {
      spec
        .given(active)
        .when(command('GradeAndClose', { keyResultGrades: grades, overallGrade, retrospective }))
        .then([event('ObjectiveGraded', { objectiveId: OBJECTIVE_ID, keyResultGrades: grades, overallGrade, retrospective })]);
    });

    it('a blank reason is no reason', () => {
      spec
        .given(active)
        .when(command('GradeAndClose', { keyResultGrades: grades, overallGrade: 0.1, overallGradeReason: '  ', retrospective }))
        .thenThrows('grade-reason-required');
    });
  });

  describe('CorrectGrade: a grade corrected with a reason, as its own event', () => {
    // closedObjective: kr-1 graded 0.7, overall 0.7.
    const from = { overallGrade: 0.7, keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.7 }] };

    it('corrects a key result\'s grade; the overall grade follows the new mean', () => {
      spec
        .given(closedObjective)
        .when(command('CorrectGrade', { keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.5 }], reason: 'Counted test accounts' }))
        .then([
          event('ObjectiveGradeCorrected', {
            objectiveId: OBJECTIVE_ID,
            from,
            to: { overallGrade: 0.5, keyResultGrades: [{ keyResultId: 'kr-1', grade: 0.5 }] },
            reason: 'Counted test accounts',
          }),
        ]);
    });

    it('corrects the overall grade alone (the reason says why, however far from the mean)', () => {
      spec
        .given(closedObjective)
        .when(command('CorrectGrade', { overallGrade: 0.2, reason: 'The launch slipped to next quarter' }))
        .then([
          event('ObjectiveGradeCorrected', { objectiveId: OBJECTIVE_ID, from, to: { ...from, overallGrade: 0.2 }, reason: 'The launch slipped to next quarter' }),
        ]);
    });

    it('folds into the state: the objective stays closed with the corrected grade', () => {
      const corrected = event('ObjectiveGradeCorrected', { objectiveId: OBJECTIVE_ID, from, to: { ...from, overallGrade: 0.2 }, reason: 'r' });
      const state = [...closedObjective, corrected].reduce(evolveObjective, { status: 'empty' } as never);
      expect(state).toMatchObject({ status: 'closed', grade: { overallGrade: 0.2, keyResultGrades: from.keyResultGrades, retrospective: expect.any(String) } });
    });

    it.each([
      [{ overallGrade: 0.5 }, 'reason-required'],
      [{ overallGrade: 0.7, reason: 'Same again' }, 'correction-changes-nothing'],
      [{ overallGrade: 1.5, reason: 'r' }, 'grade-out-of-range'],
      [{ keyResultGrades: [{ keyResultId: 'kr-9', grade: 0.5 }], reason: 'r' }, 'grade-for-unknown-key-result'],
    ])('refuses %j: %s', (data, code) => {
      spec.given(closedObjective).when(command('CorrectGrade', data as never)).thenThrows(code);
    });

    it('refuses an objective that was not graded', () => {
      spec.given(activeObjective).when(command('CorrectGrade', { overallGrade: 0.5, reason: 'r' })).thenThrows('objective-not-graded');
    });
  });
});
