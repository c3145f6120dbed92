import { unhandledEvent, type ProjectedEvent, type ProjectedEventOf, type ReadModel } from '@okr/messaging';
import type { CheckInEvent, LearningEvent } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';

/** Where a check-in lives: corrections name the check-in alone (`POST /check-ins/{id}/corrections`). */
export interface CheckInKeyDoc extends ReadDocument {
  tenantId: string;
  checkInId: string;
  keyResultId: string;
}

/** Keyed by tenant too: a check-in's id is not a stream's. */
export const checkInKeyId = (tenantId: string, checkInId: string): string => `${tenantId}:${checkInId}`;

/**
 * The one write of a check-in's place, commutative and idempotent (a check-in never moves), so the
 * command path may write it right after its append (read-your-writes for a correction that follows at
 * once) as well as the projection, in either order, any number of times.
 */
export const checkInKeyWrites = (tenantId: string, checkInId: string, keyResultId: string): BulkOperation[] => [
  { updateOne: { filter: { _id: checkInKeyId(tenantId, checkInId) }, update: { $setOnInsert: { tenantId, checkInId, keyResultId } }, upsert: true } },
];

/** `check-ins-check-in-keys-v1`: check-in id -> key result, from the service's own `CheckInRecorded`. */
export const checkInKeysModel: ReadModel<CheckInKeyDoc> = {
  name: 'check-ins-check-in-keys-v1',
  indexes: [],
  handles: ['CheckInRecorded'] satisfies readonly CheckInEvent['type'][],
  reads: () => undefined,
  project(projected: ProjectedEvent): BulkOperation[] {
    const event = projected as ProjectedEventOf<CheckInEvent>;
    switch (event.type) {
      case 'CheckInRecorded':
        return checkInKeyWrites(event.metadata.tenantId, event.data.checkInId, event.data.keyResultId);
      // A correction keeps its check-in's place; a measurement is never corrected by id.
      case 'CheckInCorrected':
      case 'MeasurementRecorded':
        return [];
      default:
        return unhandledEvent(event);
    }
  },
};

/**
 * Where a learning belongs, and when it was captured: no text. The lists read each learning of their
 * page from its stream, so an erased person's words read as erased there too.
 */
export interface LearningIndexDoc extends ReadDocument {
  tenantId: string;
  learningId: string;
  objectiveId: string | null;
  keyResultIds: string[];
  capturedAt: string;
}

/**
 * `check-ins-learnings-v2`: the learnings of each objective and key result (`_id` = learning id), for
 * `GET /objectives/{id}/learnings` and `GET /key-results/{id}/learnings`; eventually consistent with
 * the `learning-*` streams.
 */
export const learningsIndexModel: ReadModel<LearningIndexDoc> = {
  name: 'check-ins-learnings-v2',
  indexes: [{ fields: { tenantId: 1, objectiveId: 1, capturedAt: 1 } }, { fields: { tenantId: 1, keyResultIds: 1, capturedAt: 1 } }],
  handles: ['LearningCaptured', 'LearningRevised'] satisfies readonly LearningEvent['type'][],
  reads: () => undefined,
  project(projected: ProjectedEvent): BulkOperation[] {
    const event = projected as ProjectedEventOf<LearningEvent>;
    switch (event.type) {
      case 'LearningCaptured': {
        const { learningId, objectiveId, keyResultIds } = event.data;
        const doc: LearningIndexDoc = {
          _id: learningId,
          tenantId: event.metadata.tenantId,
          learningId,
          objectiveId: objectiveId ?? null,
          keyResultIds: [...(keyResultIds ?? [])],
          capturedAt: event.metadata.occurredAt,
        };
        return [{ replaceOne: { filter: { _id: learningId }, replacement: doc, upsert: true } }];
      }
      case 'LearningRevised': {
        const { keyResultIds } = event.data.changes;
        return keyResultIds === undefined ? [] : [{ updateOne: { filter: { _id: event.data.learningId }, update: { $set: { keyResultIds: [...keyResultIds] } } } }];
      }
      case 'LearningAcknowledged':
        return [];
      default:
        return unhandledEvent(event);
    }
  },
};
