import type { QuestionAnswered, QuestionAsked } from '../question/question';
import type { EventEnvelope } from '../shared/envelope';
import { notify, quoted, uniqueRecipients, type Names, type Notification } from './rules';

/**
 * Notification rules of questions: a question reaches the team that answers it, an answer reaches the
 * one who asked. Pure, like every rule.
 */

/** What a question is about, in words: the key result's or the objective's title when known. */
const questionTopic = (data: QuestionAsked['data'], names: Names): string => {
  if (data.subject === 'key-result') return quoted(names.keyResult, 'a key result');
  if (data.subject === 'learning') return `a learning on ${quoted(names.objective, 'your objective')}`;
  return quoted(names.objective, 'your objective');
};

/**
 * Someone asked the team a question: the objective's and key result's owners and the followers of
 * the objective or team hear it, never the one who asked.
 */
export const questionAsked = (
  event: Pick<EventEnvelope<QuestionAsked>, 'id' | 'data'>,
  owners: readonly (string | undefined)[],
  followers: readonly string[],
  names: Names = {},
): Notification[] => {
  const { askedBy, text, objectiveId, keyResultId } = event.data;
  return notify('question-asked', event.id, uniqueRecipients([...owners, ...followers], askedBy), {
    subject: `${askedBy} asked about ${questionTopic(event.data, names)}`,
    body: `${askedBy} asked: "${text}"`,
    ...(objectiveId === undefined ? {} : { objectiveId }),
    ...(keyResultId === undefined ? {} : { keyResultId }),
  });
};

/** The team answered a question: the one who asked hears the answer (unless they answered it themselves). */
export const questionAnswered = (event: Pick<EventEnvelope<QuestionAnswered>, 'id' | 'data'>, question?: string): Notification[] => {
  const { askedBy, answeredBy, text, objectiveId } = event.data;
  return notify('question-answered', event.id, uniqueRecipients([askedBy], answeredBy), {
    subject: `${answeredBy} answered your question`,
    body: `${question ? `You asked: "${question}". ` : ''}${answeredBy} answered: "${text}"`,
    ...(objectiveId === undefined ? {} : { objectiveId }),
  });
};
