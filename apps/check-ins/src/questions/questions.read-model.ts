import { unhandledEvent, type ProjectedEvent, type ProjectedEventOf, type ReadModel } from '@okr/messaging';
import type { QuestionEvent, QuestionStatus } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';

/**
 * Where a question belongs and where it stands: no text and no person. The list reads each
 * question of its page from its stream, so an erased person's words read as erased there too.
 */
export interface QuestionIndexDoc extends ReadDocument {
  tenantId: string;
  objectiveId: string | null;
  askedAt: string;
  status: QuestionStatus;
}

/**
 * `check-ins-questions-v2`: each question's objective, moment and status (`_id` = question id), so an
 * objective's questions are listed oldest first, filtered by status; eventually consistent with the
 * `question-*` streams.
 */
export const questionsIndexModel: ReadModel<QuestionIndexDoc> = {
  name: 'check-ins-questions-v2',
  indexes: [{ fields: { tenantId: 1, objectiveId: 1, askedAt: 1 } }],
  handles: ['QuestionAsked', 'QuestionAnswered', 'QuestionSetAside'] satisfies readonly QuestionEvent['type'][],
  reads: () => undefined,
  project(projected: ProjectedEvent): BulkOperation[] {
    const event = projected as ProjectedEventOf<QuestionEvent>;
    switch (event.type) {
      case 'QuestionAsked': {
        const { questionId, objectiveId } = event.data;
        const doc: QuestionIndexDoc = { _id: questionId, tenantId: event.metadata.tenantId, objectiveId: objectiveId ?? null, askedAt: event.metadata.occurredAt, status: 'open' };
        return [{ replaceOne: { filter: { _id: questionId }, replacement: doc, upsert: true } }];
      }
      case 'QuestionAnswered':
        return [{ updateOne: { filter: { _id: event.data.questionId }, update: { $set: { status: 'answered' } } } }];
      case 'QuestionSetAside':
        return [{ updateOne: { filter: { _id: event.data.questionId }, update: { $set: { status: 'set-aside' } } } }];
      default:
        return unhandledEvent(event);
    }
  },
};
