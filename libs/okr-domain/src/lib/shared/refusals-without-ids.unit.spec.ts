import { replay } from '../../testing/decider-spec';
import type { Command, Decider, DomainEvent } from './envelope';
import { DomainError } from './errors';
import { checkInDecider } from '../check-in/check-in.decider';
import { learningDecider } from '../learning/learning.decider';
import type { ObjectiveEvent } from '../objective/objective.events';
import { objectiveDecider } from '../objective/objective.decider';
import { questionDecider } from '../question/question.decider';

/*
 * A refusal's message reaches people as a problem's `detail`; its ids reach programs in `details`.
 * Every refusal here is driven with UUID ids, as the services use them, so an id slipping back into
 * a sentence fails this test.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const OBJECTIVE = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a01';
const PARENT = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a02';
const KEY_RESULT = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a03';
const OTHER_KEY_RESULT = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a04';
const CHECK_IN = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a05';
const QUESTION = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a06';
const LEARNING = '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a07';
const now = '2026-10-20T10:00:00.000Z';
const metadata = { now };

const objectiveSet: ObjectiveEvent = {
  type: 'ObjectiveSet',
  data: {
    objectiveId: OBJECTIVE,
    cycleId: '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a08',
    teamId: '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a09',
    ownerId: '0193a6f2-7c1e-7b3a-9f00-2c4d5e6f7a10',
    title: 'Customers pay without friction',
  },
};
const keyResultAdded: ObjectiveEvent = {
  type: 'KeyResultAdded',
  data: { objectiveId: OBJECTIVE, keyResultId: KEY_RESULT, title: 'Checkout conversion', measure: { kind: 'milestone' } },
};
const dropped: ObjectiveEvent = { type: 'KeyResultDropped', data: { objectiveId: OBJECTIVE, keyResultId: KEY_RESULT, reason: 'Moot' } };
const activated: ObjectiveEvent = { type: 'ObjectiveActivated', data: { objectiveId: OBJECTIVE } };
const draft = [objectiveSet, keyResultAdded];

const checkInRecorded = {
  type: 'CheckInRecorded',
  data: { checkInId: CHECK_IN, keyResultId: KEY_RESULT, objectiveId: OBJECTIVE, value: 24, confidence: 6, effectiveAt: '2026-10-12', recordedAt: now },
};
const checkInData = { checkInId: CHECK_IN, keyResultId: KEY_RESULT, objectiveId: OBJECTIVE, kind: 'increase', value: 24, confidence: 6, effectiveAt: '2026-10-12' };
const questionData = {
  questionId: QUESTION,
  subject: 'key-result',
  subjectId: KEY_RESULT,
  objectiveId: OBJECTIVE,
  keyResultId: KEY_RESULT,
  teamId: 'growth',
  text: 'What would tell you the checklist works before the quarter ends?',
  askedBy: 'ceo',
};
const learningData = {
  learningId: LEARNING,
  teamId: 'team-growth',
  objectiveId: OBJECTIVE,
  keyResultIds: [KEY_RESULT],
  tried: 'A guided onboarding checklist',
  approach: 'hypothesis',
  result: 'invalidated',
  insight: 'New users skip checklists; they want a working example.',
  evidence: [],
  tags: [],
  author: 'ana',
};

interface Refusal {
  name: string;
  decider: Decider<unknown, Command, DomainEvent>;
  given: unknown[];
  when: { type: string; data: Record<string, unknown> };
  code: string;
  details: Record<string, unknown>;
  says?: RegExp;
}

const as = (decider: unknown) => decider as Decider<unknown, Command, DomainEvent>;
const objective = as(objectiveDecider);
const checkIns = as(checkInDecider);

const refusals: Refusal[] = [
  { name: 'an objective set twice', decider: objective, given: draft, when: { type: 'SetObjective', data: objectiveSet.data }, code: 'objective-already-exists', details: { objectiveId: OBJECTIVE }, says: /"Customers pay without friction"/ },
  { name: 'an unknown key result', decider: objective, given: draft, when: { type: 'DropKeyResult', data: { keyResultId: OTHER_KEY_RESULT, reason: 'Moot' } }, code: 'key-result-not-found', details: { keyResultId: OTHER_KEY_RESULT } },
  { name: 'a dropped key result', decider: objective, given: [...draft, dropped], when: { type: 'DropKeyResult', data: { keyResultId: KEY_RESULT, reason: 'Moot' } }, code: 'key-result-dropped', details: { keyResultId: KEY_RESULT }, says: /"Checkout conversion"/ },
  { name: 'a key result id taken', decider: objective, given: draft, when: { type: 'AddKeyResult', data: { keyResultId: KEY_RESULT, title: 'Other', measure: { kind: 'milestone' } } }, code: 'key-result-already-exists', details: { keyResultId: KEY_RESULT }, says: /"Checkout conversion"/ },
  { name: 'an alignment withdrawn that is not there', decider: objective, given: draft, when: { type: 'WithdrawAlignment', data: { parentObjectiveId: PARENT, reason: 'Moot' } }, code: 'not-aligned', details: { parentObjectiveId: PARENT }, says: /"Customers pay without friction"/ },
  { name: 'a grade for an unknown key result', decider: objective, given: [...draft, activated], when: { type: 'GradeAndClose', data: { keyResultGrades: [{ keyResultId: OTHER_KEY_RESULT, grade: 0.5 }], retrospective: 'Done' } }, code: 'grade-for-unknown-key-result', details: { keyResultId: OTHER_KEY_RESULT } },
  { name: 'a key result graded twice', decider: objective, given: [...draft, activated], when: { type: 'GradeAndClose', data: { keyResultGrades: [{ keyResultId: KEY_RESULT, grade: 0.5 }, { keyResultId: KEY_RESULT, grade: 0.6 }], retrospective: 'Done' } }, code: 'duplicate-grade', details: { keyResultId: KEY_RESULT }, says: /"Checkout conversion"/ },
  { name: "another key result's check-in", decider: checkIns, given: [checkInRecorded], when: { type: 'RecordCheckIn', data: { ...checkInData, checkInId: CHECK_IN.replace('05', '15'), keyResultId: OTHER_KEY_RESULT } }, code: 'key-result-mismatch', details: { keyResultId: OTHER_KEY_RESULT, streamKeyResultId: KEY_RESULT } },
  { name: "another key result's measurement", decider: checkIns, given: [checkInRecorded], when: { type: 'RecordMeasurement', data: { keyResultId: OTHER_KEY_RESULT } }, code: 'key-result-mismatch', details: { keyResultId: OTHER_KEY_RESULT, streamKeyResultId: KEY_RESULT } },
  { name: 'a check-in recorded twice', decider: checkIns, given: [checkInRecorded], when: { type: 'RecordCheckIn', data: checkInData }, code: 'check-in-already-recorded', details: { checkInId: CHECK_IN } },
  { name: 'an unknown check-in corrected', decider: checkIns, given: [checkInRecorded], when: { type: 'CorrectCheckIn', data: { checkInId: OTHER_KEY_RESULT, value: 25 } }, code: 'check-in-not-found', details: { checkInId: OTHER_KEY_RESULT } },
  { name: 'a question asked twice', decider: as(questionDecider), given: [{ type: 'QuestionAsked', data: questionData }], when: { type: 'AskQuestion', data: questionData }, code: 'question-already-asked', details: { questionId: QUESTION } },
  { name: 'a learning captured twice', decider: as(learningDecider), given: [{ type: 'LearningCaptured', data: learningData }], when: { type: 'CaptureLearning', data: learningData }, code: 'learning-already-captured', details: { learningId: LEARNING } },
];

describe('refusals are sentences without ids', () => {
  it.each(refusals.map((r) => [r.name, r] as const))('%s', (_, refusal) => {
    const state = replay(refusal.decider, refusal.given as DomainEvent[]);
    let thrown: unknown;
    try {
      refusal.decider.decide({ ...refusal.when, metadata } as Command, state);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const error = thrown as DomainError;
    expect(error.code).toBe(refusal.code);
    expect(error.message).not.toMatch(UUID);
    expect(error.details).toMatchObject(refusal.details);
    if (refusal.says) expect(error.message).toMatch(refusal.says);
  });
});
