import { DeciderSpecification } from '../../testing/decider-spec';
import {
  OBJECTIVE_ID,
  PARENT_ID,
  activated,
  activeObjective,
  archived,
  archivedObjective,
  closedObjective,
  command,
  decrease,
  draftWithKeyResult,
  event,
  keyResultAdded,
  keyResultDropped,
  milestone,
  objectiveSet,
} from '../../testing/objective.fixtures';
import type { GradeAndClose, ObjectiveCommand } from './objective.commands';
import { objectiveDecider } from './objective.decider';

const spec = DeciderSpecification.for(objectiveDecider);
const retrospective = 'One-click pay shipped; refunds never got attention.';

/** Active, with kr-1 (increase), kr-2 (decrease), kr-3 (milestone) live and kr-4 dropped. */
const active = [
  ...draftWithKeyResult,
  keyResultAdded('kr-2', 'Refund time', decrease),
  keyResultAdded('kr-3', 'Wallet support', milestone),
  keyResultAdded('kr-4', 'Abandoned idea', milestone),
  keyResultDropped('kr-4'),
  activated,
];

const grade = (grades: [string, number][], rest: Partial<GradeAndClose['data']> = {}) =>
  command('GradeAndClose', {
    keyResultGrades: grades.map(([keyResultId, g]) => ({ keyResultId, grade: g })),
    retrospective,
    ...rest,
  });

const graded = (grades: [string, number][], overallGrade: number) =>
  event('ObjectiveGraded', {
    objectiveId: OBJECTIVE_ID,
    keyResultGrades: grades.map(([keyResultId, g]) => ({ keyResultId, grade: g })),
    overallGrade,
    retrospective,
  });

const all: [string, number][] = [
  ['kr-1', 0.3],
  ['kr-2', 0.6],
  ['kr-3', 0.7],
];

describe('objective decider: GradeAndClose', () => {
  it('grades and closes, with the mean of the grades rounded to 2 decimals as overall grade', () => {
    // (0.3 + 0.6 + 0.7) / 3 = 0.5333...
    spec.given(active).when(grade(all)).then([graded(all, 0.53)]);
  });

  it('rounds a mean that binary floating point would round down (0.285 -> 0.29)', () => {
    const grades: [string, number][] = [
      ['kr-1', 0.285],
      ['kr-2', 0.285],
      ['kr-3', 0.285],
    ];
    spec.given(active).when(grade(grades)).then([graded(grades, 0.29)]);
  });

  it('takes the overall grade the team gave, including the bounds 0 and 1 (far from the mean: with a reason)', () => {
    const overallGradeReason = 'Refunds mattered more than the rest together';
    const withReason = (overallGrade: number) => ({ ...graded(all, overallGrade), data: { ...graded(all, overallGrade).data, overallGradeReason } });
    spec.given(active).when(grade(all, { overallGrade: 0, overallGradeReason })).then([withReason(0)]);
    spec.given(active).when(grade(all, { overallGrade: 1, overallGradeReason: `  ${overallGradeReason} ` })).then([withReason(1)]);
    spec.given(active).when(grade(all, { overallGrade: 0.6 })).then([graded(all, 0.6)]);
  });

  it('accepts grades of exactly 0 and 1', () => {
    const edges: [string, number][] = [
      ['kr-1', 0],
      ['kr-2', 1],
      ['kr-3', 1],
    ];
    spec.given(active).when(grade(edges)).then([graded(edges, 0.67)]);
  });

  it('trims the retrospective', () => {
    spec.given(active).when(grade(all, { retrospective: `  ${retrospective}\n` })).then([graded(all, 0.53)]);
  });

  it('refuses to grade a draft', () => {
    spec.given(draftWithKeyResult).when(grade([['kr-1', 1]])).thenThrows('objective-not-active');
  });

  it('refuses when a live key result has no grade', () => {
    const error = spec.given(active).when(grade(all.slice(0, 2))).thenThrows('grades-incomplete');
    expect(error.details).toEqual({ missing: ['kr-3'] });
  });

  it.each([
    ['an unknown key result', 'kr-9'],
    ['a dropped key result', 'kr-4'],
  ])('refuses a grade for %s', (_, keyResultId) => {
    spec.given(active).when(grade([...all, [keyResultId, 0.5]])).thenThrows('grade-for-unknown-key-result');
  });

  it('refuses two grades for one key result', () => {
    spec.given(active).when(grade([...all, ['kr-1', 0.9]])).thenThrows('duplicate-grade');
  });

  it.each([-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY])('refuses a key-result grade of %p', (g) => {
    spec.given(active).when(grade([['kr-1', g], ...all.slice(1)])).thenThrows('grade-out-of-range');
  });

  it.each([-1, 1.5, Number.NaN])('refuses an overall grade of %p', (overallGrade) => {
    spec.given(active).when(grade(all, { overallGrade })).thenThrows('grade-out-of-range');
  });

  it.each(['', ' \n '])('requires a retrospective, not %j', (text) => {
    spec.given(active).when(grade(all, { retrospective: text })).thenThrows('retrospective-required');
  });

  describe('when every key result was dropped after activation', () => {
    const allDropped = [...activeObjective, keyResultDropped('kr-1')];

    it('needs the overall grade to be given', () => {
      spec.given(allDropped).when(grade([])).thenThrows('overall-grade-required');
    });

    it('closes with the overall grade given', () => {
      spec.given(allDropped).when(grade([], { overallGrade: 0.2 })).then([graded([], 0.2)]);
    });
  });
});

describe('objective decider: end of life', () => {
  describe('ArchiveObjective', () => {
    it.each([
      ['draft', [objectiveSet]],
      ['active', activeObjective],
      ['closed', closedObjective],
    ])('archives a %s objective', (_, given) => {
      spec.given(given).when(command('ArchiveObjective', { reason: '  ' })).then([archived]);
    });

    it('keeps the reason', () => {
      spec
        .given([objectiveSet])
        .when(command('ArchiveObjective', { reason: 'Duplicate' }))
        .then([event('ObjectiveArchived', { objectiveId: OBJECTIVE_ID, reason: 'Duplicate' })]);
    });

    it('refuses to archive twice', () => {
      spec.given(archivedObjective).when(command('ArchiveObjective', {})).thenThrows('objective-archived');
    });
  });

  describe('closed and archived objectives are history', () => {
    const changes: ObjectiveCommand[] = [
      command('RewordObjective', { title: 'New words' }),
      command('AlignObjective', { parentObjectiveId: PARENT_ID }),
      command('WithdrawAlignment', { parentObjectiveId: PARENT_ID, reason: 'x' }),
      command('AddKeyResult', { keyResultId: 'kr-2', title: 'Other', measure: { kind: 'milestone' } }),
      command('ReviseKeyResultTarget', { keyResultId: 'kr-1', to: { target: 90 }, reason: 'x' }),
      command('DropKeyResult', { keyResultId: 'kr-1', reason: 'x' }),
      command('TransferOwnership', { newOwnerId: 'user-bo' }),
      command('ActivateObjective', {}),
      command('GradeAndClose', { keyResultGrades: [{ keyResultId: 'kr-1', grade: 1 }], retrospective: 'x' }),
    ];

    it.each(changes)('refuses $type on a closed objective', (cmd) => {
      spec.given(closedObjective).when(cmd).thenThrows('objective-closed');
    });

    it.each(changes)('refuses $type on an archived objective', (cmd) => {
      spec.given(archivedObjective).when(cmd).thenThrows('objective-archived');
    });
  });
});
