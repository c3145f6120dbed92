import type { Command, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';

/**
 * Questions: a leader (anyone in the tenant) asks about an objective, a key result or a learning, and
 * the owning team answers, or sets the question aside as useful for later. One stream per question
 * (`question-{questionId}`): asking is how a leader supports without dictating, so the question and
 * its answers stay in the record like every other change.
 */
export const QUESTION_CATEGORY = 'question';

/** `question-{questionId}`. */
export const questionStreamName = (questionId: string): string => streamName(QUESTION_CATEGORY, questionId);

/** What a question can be about. */
export const QUESTION_SUBJECTS = ['objective', 'key-result', 'learning'] as const;
export type QuestionSubject = (typeof QUESTION_SUBJECTS)[number];

export const MAX_QUESTION_LENGTH = 2000;
export const MAX_ANSWER_LENGTH = 4000;

/**
 * `open` until the team answers (`answered`) or sets it aside (`set-aside`: useful, kept for later).
 * A question set aside can still be answered; an answered one can take further answers.
 */
export type QuestionStatus = 'open' | 'answered' | 'set-aside';

export type QuestionAsked = DomainEvent<
  'QuestionAsked',
  {
    questionId: string;
    subject: QuestionSubject;
    /** The id of the objective, key result or learning it is about. */
    subjectId: string;
    /** The objective it belongs to (the subject itself, the key result's, or the learning's); absent for a learning without one. */
    objectiveId?: string;
    /** Set when the subject is a key result (or the learning is about exactly one). */
    keyResultId?: string;
    /** The team that owns the subject and answers. */
    teamId?: string;
    text: string;
    askedBy: string;
  }
>;

/** Carries what a reader of this event alone needs: whom to tell (`askedBy`) and where it shows (`objectiveId`). */
export type QuestionAnswered = DomainEvent<
  'QuestionAnswered',
  {
    questionId: string;
    objectiveId?: string;
    teamId?: string;
    text: string;
    answeredBy: string;
    askedBy: string;
  }
>;

export type QuestionSetAside = DomainEvent<
  'QuestionSetAside',
  { questionId: string; objectiveId?: string; teamId?: string; by: string; note?: string }
>;

export type QuestionEvent = QuestionAsked | QuestionAnswered | QuestionSetAside;

/** Asks a question; the service fills in the objective, key result and team from what it knows of the subject. */
export type AskQuestion = Command<'AskQuestion', QuestionAsked['data']>;
export type AnswerQuestion = Command<'AnswerQuestion', { text: string; answeredBy: string }>;
export type SetQuestionAside = Command<'SetQuestionAside', { by: string; note?: string }>;
export type QuestionCommand = AskQuestion | AnswerQuestion | SetQuestionAside;
