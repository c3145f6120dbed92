import { unhandledEvent, type ProjectedEvent, type ProjectedEventOf, type ReadModel } from '@okr/messaging';
import type { QuestionEvent, QuestionStatus, QuestionSubject } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';

export interface AnswerRow {
  text: string;
  answeredBy: string;
  answeredAt: string;
}

/** A question with its answers, as `GET /objectives/{id}/questions` lists it. */
export interface QuestionRow {
  id: string;
  subject: QuestionSubject;
  subjectId: string;
  objectiveId?: string;
  keyResultId?: string;
  teamId?: string;
  text: string;
  askedBy: string;
  askedAt: string;
  status: QuestionStatus;
  answers: AnswerRow[];
  setAside?: { by: string; at: string; note?: string };
}

export interface QuestionIndexDoc extends ReadDocument {
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
  answers: AnswerRow[];
  setAside: { by: string; at: string; note?: string } | null;
}

/**
 * `check-ins-questions-v1`: each question with its answers (`_id` = question id), listed by objective
 * oldest first; eventually consistent with the `question-*` streams (a single question is read from
 * its stream).
 */
export const questionsIndexModel: ReadModel<QuestionIndexDoc> = {
  name: 'check-ins-questions-v1',
  indexes: [{ fields: { tenantId: 1, objectiveId: 1, askedAt: 1 } }],
  handles: ['QuestionAsked', 'QuestionAnswered', 'QuestionSetAside'] satisfies readonly QuestionEvent['type'][],
  reads: () => undefined,
  project(projected: ProjectedEvent): BulkOperation[] {
    const event = projected as ProjectedEventOf<QuestionEvent>;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'QuestionAsked': {
        const d = event.data;
        const doc: QuestionIndexDoc = {
          _id: d.questionId,
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
          answers: [],
          setAside: null,
        };
        return [{ replaceOne: { filter: { _id: d.questionId }, replacement: doc, upsert: true } }];
      }
      case 'QuestionAnswered': {
        const answer: AnswerRow = { text: event.data.text, answeredBy: event.data.answeredBy, answeredAt: at };
        return [{ updateOne: { filter: { _id: event.data.questionId }, update: { $set: { status: 'answered' }, $push: { answers: answer } } } }];
      }
      case 'QuestionSetAside': {
        const { by, note } = event.data;
        const setAside = { by, at, ...(note === undefined ? {} : { note }) };
        return [{ updateOne: { filter: { _id: event.data.questionId }, update: { $set: { status: 'set-aside', setAside } } } }];
      }
      default:
        return unhandledEvent(event);
    }
  },
};

/** The list's row: the optional placements absent rather than null. */
export const toQuestionRow = (doc: QuestionIndexDoc): QuestionRow => ({
  id: doc._id,
  subject: doc.subject,
  subjectId: doc.subjectId,
  ...(doc.objectiveId === null ? {} : { objectiveId: doc.objectiveId }),
  ...(doc.keyResultId === null ? {} : { keyResultId: doc.keyResultId }),
  ...(doc.teamId === null ? {} : { teamId: doc.teamId }),
  text: doc.text,
  askedBy: doc.askedBy,
  askedAt: doc.askedAt,
  status: doc.status,
  answers: doc.answers,
  ...(doc.setAside === null ? {} : { setAside: doc.setAside }),
});
