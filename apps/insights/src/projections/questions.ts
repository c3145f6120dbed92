import type { QuestionAnswered, QuestionAsked, QuestionSetAside, QuestionStatus, QuestionSubject } from '@okr/okr-domain';
import type { BulkOperation, Filter, ReadDocument } from '@okr/read-store';
import type { ProjectedEvent, ReadModel } from '@okr/messaging';

/**
 * `questions`: one document per question (`_id` = question id), so that an objective's summary and a
 * team's dashboard can show how many questions wait for an answer, and which.
 *
 * Decisions:
 * - Pure update operators, no read, like the learnings feed: `QuestionAsked` is an upsert with
 *   `$setOnInsert`; answers and setting aside are guarded by the stream revision
 *   (`{ _id, revision: { $lt: r } }`), so a redelivered event matches nothing.
 * - A question is open until answered or set aside; its status after that is the latest event's (the
 *   decider refuses to set an answered question aside, so the stream's order is the truth).
 * - The text and the asker stay sealed as the events carry them, opened when read (`-v2`: the first
 *   kept them in clear).
 */
export const QUESTIONS = 'questions-v2';

export interface QuestionDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  subject: QuestionSubject;
  subjectId: string;
  objectiveId: string | null;
  keyResultId: string | null;
  teamId: string | null;
  text: string;
  askedBy: string;
  askedAt: string;
  status: QuestionStatus;
  answerCount: number;
  lastAnsweredAt: string | null;
  revision: number;
}

export const QUESTIONS_EVENTS = ['QuestionAsked', 'QuestionAnswered', 'QuestionSetAside'] as const;

const guard = (event: ProjectedEvent, questionId: string): Filter => ({ _id: questionId, revision: { $lt: event.revision } });

export const questionsModel: ReadModel<QuestionDoc> = {
  name: QUESTIONS,
  indexes: [{ fields: { tenantId: 1, objectiveId: 1, status: 1 } }, { fields: { tenantId: 1, teamId: 1, status: 1 } }],
  handles: QUESTIONS_EVENTS,
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'QuestionAsked': {
        const d = event.data as QuestionAsked['data'];
        const document: Omit<QuestionDoc, '_id'> = {
          tenantId: event.metadata.tenantId,
          subject: d.subject,
          subjectId: d.subjectId,
          objectiveId: d.objectiveId ?? null,
          keyResultId: d.keyResultId ?? null,
          teamId: d.teamId ?? null,
          text: d.text,
          askedBy: d.askedBy,
          askedAt: at,
          status: 'open',
          answerCount: 0,
          lastAnsweredAt: null,
          revision: event.revision,
        };
        return [{ updateOne: { filter: { _id: d.questionId }, update: { $setOnInsert: document }, upsert: true } }];
      }
      case 'QuestionAnswered': {
        const { questionId } = event.data as QuestionAnswered['data'];
        const update = { $set: { status: 'answered', lastAnsweredAt: at, revision: event.revision }, $inc: { answerCount: 1 } };
        return [{ updateOne: { filter: guard(event, questionId), update } }];
      }
      case 'QuestionSetAside': {
        const { questionId } = event.data as QuestionSetAside['data'];
        return [{ updateOne: { filter: guard(event, questionId), update: { $set: { status: 'set-aside', revision: event.revision } } } }];
      }
      default:
        return [];
    }
  },
};
