import type { Decider } from '../shared/envelope';
import { notFound, ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import type { AnswerQuestion, AskQuestion, QuestionCommand, QuestionEvent, QuestionStatus, SetQuestionAside } from './question';
import { MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, QUESTION_SUBJECTS } from './question';

export interface Answer {
  text: string;
  answeredBy: string;
}

/** A question as asked, with its answers in order. */
export interface AskedQuestion extends Omit<AskQuestion['data'], 'questionId'> {
  status: QuestionStatus;
  id: string;
  answers: Answer[];
  setAsideBy?: string;
}

export type QuestionState = { status: 'empty' } | AskedQuestion;

export const initialQuestionState = (): QuestionState => ({ status: 'empty' });

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const required = (value: unknown, code: string, field: string): string => {
  const trimmed = text(value);
  if (trimmed === '') throw ruleBroken(code, `${field} is required.`, { field });
  return trimmed;
};

const bounded = (value: unknown, max: number, code: string, field: string): string => {
  const trimmed = required(value, `${field}-required`, field);
  if (trimmed.length > max) throw ruleBroken(code, `${field} has at most ${max} characters.`, { field, length: trimmed.length });
  return trimmed;
};

const optional = <K extends string>(key: K, value: unknown): { [P in K]?: string } =>
  (text(value) === '' ? {} : { [key]: text(value) }) as { [P in K]?: string };

const ask = ({ data }: AskQuestion): QuestionEvent[] => {
  if (!QUESTION_SUBJECTS.includes(data.subject)) {
    throw ruleBroken('invalid-question-subject', `A question is about one of ${QUESTION_SUBJECTS.join(', ')}.`, { field: 'subject' });
  }
  return [
    {
      type: 'QuestionAsked',
      data: {
        questionId: required(data.questionId, 'question-id-required', 'questionId'),
        subject: data.subject,
        subjectId: required(data.subjectId, 'subject-id-required', 'subjectId'),
        ...optional('objectiveId', data.objectiveId),
        ...optional('keyResultId', data.keyResultId),
        ...optional('teamId', data.teamId),
        text: bounded(data.text, MAX_QUESTION_LENGTH, 'question-too-long', 'text'),
        askedBy: required(data.askedBy, 'asker-required', 'askedBy'),
      },
    },
  ];
};

/** What every follow-up event repeats from the question, so that its readers need nothing else. */
const about = (s: AskedQuestion) => ({
  questionId: s.id,
  ...(s.objectiveId === undefined ? {} : { objectiveId: s.objectiveId }),
  ...(s.teamId === undefined ? {} : { teamId: s.teamId }),
});

const answer = (s: AskedQuestion, { data }: AnswerQuestion): QuestionEvent[] => {
  const answerText = bounded(data.text, MAX_ANSWER_LENGTH, 'answer-too-long', 'text');
  const answeredBy = required(data.answeredBy, 'answerer-required', 'answeredBy');
  // The same answer twice (a retried request) says nothing new.
  if (s.answers.some((a) => a.text === answerText && a.answeredBy === answeredBy)) return [];
  return [{ type: 'QuestionAnswered', data: { ...about(s), text: answerText, answeredBy, askedBy: s.askedBy } }];
};

const setAside = (s: AskedQuestion, { data }: SetQuestionAside): QuestionEvent[] => {
  const by = required(data.by, 'by-required', 'by');
  if (s.status === 'answered') {
    throw ruleBroken('question-already-answered', 'An answered question is no longer open: there is nothing to set aside.', { questionId: s.id });
  }
  if (s.status === 'set-aside') return [];
  return [{ type: 'QuestionSetAside', data: { ...about(s), by, ...optional('note', data.note) } }];
};

/**
 * Decides what a question command means. Throws a {@link DomainError}: `question-not-found`
 * (not-found); `question-already-asked`, `invalid-question-subject`, `question-id-required`,
 * `subject-id-required`, `text-required`, `question-too-long`, `answer-too-long`, `asker-required`,
 * `answerer-required`, `by-required` and `question-already-answered` (rule-broken). Answering with the
 * same text twice, or setting aside twice, decides nothing.
 */
export const decideQuestion = (command: QuestionCommand, state: QuestionState): QuestionEvent[] => {
  if (state.status === 'empty') {
    if (command.type !== 'AskQuestion') throw notFound('question-not-found', 'Question not found.');
    return ask(command);
  }
  switch (command.type) {
    case 'AskQuestion':
      throw ruleBroken('question-already-asked', 'This question was already asked.', { questionId: state.id });
    case 'AnswerQuestion':
      return answer(state, command);
    case 'SetQuestionAside':
      return setAside(state, command);
    default:
      return unhandledCommand(command);
  }
};

/** Folds one question event into the state. Never throws; unknown events are skipped. */
export const evolveQuestion = (state: QuestionState, event: QuestionEvent): QuestionState => {
  if (event.type === 'QuestionAsked') {
    const { questionId, ...rest } = event.data;
    return { ...rest, status: 'open', id: questionId, answers: [] };
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'QuestionAnswered':
      return { ...state, status: 'answered', answers: [...state.answers, { text: event.data.text, answeredBy: event.data.answeredBy }] };
    case 'QuestionSetAside':
      return { ...state, status: 'set-aside', setAsideBy: event.data.by };
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The question aggregate as an emmett-style decider, for the generic command handler. */
export const questionDecider: Decider<QuestionState, QuestionCommand, QuestionEvent> = {
  decide: decideQuestion,
  evolve: evolveQuestion,
  initialState: initialQuestionState,
};
