import { ruleBroken } from '../shared/errors';
import { roundForPeople } from '../shared/numbers';
import { requiredText, text } from '../shared/text';
import type { CorrectGrade, GradeAndClose } from './objective.commands';
import type { ObjectiveEvent, ObjectiveGrades } from './objective.events';
import type { ExistingObjective } from './objective.state';
import { activeKeyResults } from './objective.state';

/**
 * Grading at the end of a cycle, and correcting a grade later. The overall grade is the key results'
 * mean unless the team says otherwise; saying otherwise by more than {@link MAX_GRADE_DEVIATION} needs
 * a reason, so that a reader of the record sees why 0.9 stands over key results averaging 0.5.
 */

/** How far the overall grade may be from the key results' mean without a reason. */
export const MAX_GRADE_DEVIATION = 0.2;
/** Floating-point slack: 0.7 - 0.5 is not exactly 0.2 in binary, and "exactly 0.2 away" needs no reason. */
const EPSILON = 1e-9;

type KeyResultGrade = { keyResultId: string; grade: number };

const isGrade = (g: unknown): g is number => typeof g === 'number' && Number.isFinite(g) && g >= 0 && g <= 1;

/** Mean to 2 decimals; EPSILON lets a mean such as 0.285 (28.4999… once scaled in binary) round up as written. */
export const meanGrade = (grades: readonly number[]): number =>
  Math.round((grades.reduce((a, b) => a + b, 0) / grades.length + Number.EPSILON) * 100) / 100;

/** Distinct, in range, each one of `allowed`; `complete`: every allowed one graded. */
const checkGrades = (
  s: ExistingObjective,
  grades: readonly KeyResultGrade[],
  allowed: ReadonlySet<string>,
  complete: boolean,
): KeyResultGrade[] => {
  const titleOf = (id: string) => s.keyResults.find((kr) => kr.id === id)?.title;
  const seen = new Set<string>();
  for (const { keyResultId, grade } of grades) {
    if (!allowed.has(keyResultId)) {
      const known = titleOf(keyResultId);
      const what = known === undefined ? 'One grade is for a key result this objective does not have.' : `Key result "${known}" is not one to grade.`;
      throw ruleBroken('grade-for-unknown-key-result', what, { keyResultId });
    }
    if (seen.has(keyResultId)) {
      const twice = titleOf(keyResultId);
      const what = twice === undefined ? 'A key result was graded twice.' : `Key result "${twice}" was graded twice.`;
      throw ruleBroken('duplicate-grade', what, { keyResultId });
    }
    if (!isGrade(grade)) throw ruleBroken('grade-out-of-range', 'A grade is from 0 to 1.', { keyResultId, grade });
    seen.add(keyResultId);
  }
  const missing = [...allowed].filter((id) => !seen.has(id));
  if (complete && missing.length > 0) throw ruleBroken('grades-incomplete', 'Every key result needs a grade.', { missing });
  return grades.map(({ keyResultId, grade }) => ({ keyResultId, grade }));
};

const checkOverall = (overallGrade: unknown): number | undefined => {
  if (overallGrade === undefined) return undefined;
  if (!isGrade(overallGrade)) throw ruleBroken('grade-out-of-range', 'The overall grade is from 0 to 1.', { overallGrade });
  return overallGrade;
};

export const gradeAndClose = (s: ExistingObjective, { data }: GradeAndClose): ObjectiveEvent[] => {
  if (s.status !== 'active') {
    throw ruleBroken('objective-not-active', 'Only an active objective can be graded.', { status: s.status });
  }
  const expected = new Set(activeKeyResults(s).map((kr) => kr.id));
  const keyResultGrades = checkGrades(s, data.keyResultGrades ?? [], expected, true);
  const given = checkOverall(data.overallGrade);
  if (given === undefined && keyResultGrades.length === 0) {
    // Every key result was dropped: there is nothing to average, and 0 would be a verdict nobody gave.
    throw ruleBroken('overall-grade-required', 'With no key results to grade, give the overall grade.');
  }
  const reason = text(data.overallGradeReason);
  if (given !== undefined && keyResultGrades.length > 0 && reason === '') {
    const mean = meanGrade(keyResultGrades.map((g) => g.grade));
    const distance = Math.abs(given - mean);
    if (distance > MAX_GRADE_DEVIATION + EPSILON) {
      throw ruleBroken(
        'grade-reason-required',
        `The overall grade ${given} is ${roundForPeople(distance)} away from the key results' average of ${mean}; ` +
          `more than ${MAX_GRADE_DEVIATION} needs a reason (overallGradeReason).`,
        { field: 'overallGradeReason', overallGrade: given, average: mean },
      );
    }
  }
  const retrospective = requiredText(data.retrospective, 'retrospective-required', 'retrospective');
  const overallGrade = given ?? meanGrade(keyResultGrades.map((g) => g.grade));
  return [
    {
      type: 'ObjectiveGraded',
      data: { objectiveId: s.id, keyResultGrades, overallGrade, ...(reason === '' ? {} : { overallGradeReason: reason }), retrospective },
    },
  ];
};

const sameGrades = (a: ObjectiveGrades, b: ObjectiveGrades): boolean =>
  a.overallGrade === b.overallGrade &&
  a.keyResultGrades.length === b.keyResultGrades.length &&
  a.keyResultGrades.every((g, i) => g.keyResultId === b.keyResultGrades[i].keyResultId && g.grade === b.keyResultGrades[i].grade);

/**
 * A grade corrected with a reason: the key-result grades given replace theirs; the overall grade is
 * the one given, else the new mean when key-result grades changed (the reason of the correction
 * stands for any distance from the mean).
 */
export const correctGrade = (s: ExistingObjective, { data }: CorrectGrade): ObjectiveEvent[] => {
  if (s.status !== 'closed' || s.grade === undefined) {
    throw ruleBroken('objective-not-graded', 'Only a graded objective has a grade to correct.', { status: s.status });
  }
  const graded = s.grade.keyResultGrades;
  const changes = checkGrades(s, data.keyResultGrades ?? [], new Set(graded.map((g) => g.keyResultId)), false);
  const given = checkOverall(data.overallGrade);
  const reason = requiredText(data.reason, 'reason-required', 'reason');
  const from: ObjectiveGrades = { overallGrade: s.grade.overallGrade, keyResultGrades: graded.map((g) => ({ ...g })) };
  const keyResultGrades = graded.map((g) => changes.find((c) => c.keyResultId === g.keyResultId) ?? { ...g });
  const overallGrade = given ?? (changes.length > 0 && keyResultGrades.length > 0 ? meanGrade(keyResultGrades.map((g) => g.grade)) : from.overallGrade);
  const to: ObjectiveGrades = { overallGrade, keyResultGrades };
  if (sameGrades(from, to)) {
    throw ruleBroken('correction-changes-nothing', 'The correction gives the grades the objective already has.');
  }
  return [{ type: 'ObjectiveGradeCorrected', data: { objectiveId: s.id, from, to, reason } }];
};
