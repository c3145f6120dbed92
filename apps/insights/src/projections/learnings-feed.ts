import type {
  Evidence,
  LearningAcknowledged,
  LearningApproach,
  LearningCaptured,
  LearningResult,
  LearningRevised,
} from '@okr/okr-domain';
import type { BulkOperation, Filter, ReadDocument } from '@okr/read-store';
import type { ProjectedEvent, ReadModel } from '@okr/messaging';

/**
 * `learnings-feed`: one document per learning (`_id` = learning id), filterable by team, objective,
 * key result, result and tag.
 *
 * Decisions:
 * - Pure update operators, no read: `LearningCaptured` is an upsert with `$setOnInsert` (a redelivery
 *   changes nothing), revisions `$set` the changed fields, acknowledgements `$push` and `$inc`. Every
 *   update is guarded by the stream revision (`{ _id, revision: { $lt: r } }`), so a redelivered event
 *   matches nothing and is a no-op even without the runner's idempotency record.
 * - Absent optional fields are `null` (`teamId`, `objectiveId`, `approach`, `nextStep`); a revision's
 *   `nextStep: ''` means "no next step" -> `null`.
 * - `evidenceCount` follows `evidence`; `acknowledgements` is the list `{ by, note?, at }` and
 *   `acknowledgementCount` its length.
 * - An `invalidated` result is a learning like any other: {@link learningStats} counts it in
 *   `learnings` and labels nothing as failure.
 * - Personal data (what was tried, the insight, next step, evidence, the author, acknowledgers and
 *   their notes) is kept sealed as the events carry it (the runner delivers them sealed) and opened
 *   when read, so an erased person's words read "erased person". The version is in the name (`-v2`:
 *   the first kept them in clear); nothing filters or sorts by these fields.
 */
export const LEARNINGS_FEED = 'learnings-feed-v2';

export interface LearningAcknowledgement {
  by: string;
  note?: string;
  at: string;
}

export interface LearningFeedDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  teamId: string | null;
  objectiveId: string | null;
  keyResultIds: string[];
  tried: string;
  approach: LearningApproach | null;
  result: LearningResult;
  insight: string;
  nextStep: string | null;
  evidence: Evidence[];
  evidenceCount: number;
  tags: string[];
  author: string;
  acknowledgements: LearningAcknowledgement[];
  acknowledgementCount: number;
  capturedAt: string;
  revisedAt: string | null;
  revision: number;
}

export const LEARNINGS_FEED_EVENTS = ['LearningCaptured', 'LearningRevised', 'LearningAcknowledged'] as const;

const guard = (event: ProjectedEvent, learningId: string): Filter => ({
  _id: learningId,
  revision: { $lt: event.revision },
});

export const learningsFeedModel: ReadModel<LearningFeedDoc> = {
  name: LEARNINGS_FEED,
  indexes: [
    { fields: { tenantId: 1, teamId: 1, capturedAt: -1 } },
    { fields: { tenantId: 1, objectiveId: 1 } },
    { fields: { tenantId: 1, result: 1 } },
    { fields: { tenantId: 1, tags: 1 } },
    { fields: { keyResultIds: 1 } },
  ],
  handles: LEARNINGS_FEED_EVENTS,
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'LearningCaptured': {
        const data = event.data as LearningCaptured['data'];
        const document: Omit<LearningFeedDoc, '_id'> = {
          tenantId: event.metadata.tenantId,
          teamId: data.teamId ?? null,
          objectiveId: data.objectiveId ?? null,
          keyResultIds: [...data.keyResultIds],
          tried: data.tried,
          approach: data.approach ?? null,
          result: data.result,
          insight: data.insight,
          nextStep: data.nextStep ?? null,
          evidence: data.evidence.map((e) => ({ ...e })),
          evidenceCount: data.evidence.length,
          tags: [...data.tags],
          author: data.author,
          acknowledgements: [],
          acknowledgementCount: 0,
          capturedAt: at,
          revisedAt: null,
          revision: event.revision,
        };
        return [{ updateOne: { filter: { _id: data.learningId }, update: { $setOnInsert: document }, upsert: true } }];
      }
      case 'LearningRevised': {
        const { learningId, changes } = event.data as LearningRevised['data'];
        const set: Record<string, unknown> = { revisedAt: at, revision: event.revision };
        for (const [field, value] of Object.entries(changes)) {
          if (value === undefined) continue;
          set[field] = field === 'nextStep' && value === '' ? null : value;
        }
        if (changes.evidence !== undefined) set['evidenceCount'] = changes.evidence.length;
        return [{ updateOne: { filter: guard(event, learningId), update: { $set: set } } }];
      }
      case 'LearningAcknowledged': {
        const { learningId, by, note } = event.data as LearningAcknowledged['data'];
        const acknowledgement: LearningAcknowledgement = { by, ...(note === undefined ? {} : { note }), at };
        return [
          {
            updateOne: {
              filter: guard(event, learningId),
              update: {
                $push: { acknowledgements: acknowledgement },
                $inc: { acknowledgementCount: 1 },
                $set: { revision: event.revision },
              },
            },
          },
        ];
      }
      default:
        return [];
    }
  },
};

export interface LearningStats {
  /** Every learning, invalidated hypotheses included: finding out is the point. */
  learnings: number;
  byResult: Record<LearningResult, number>;
  /** Learnings whose hypothesis was validated or invalidated (knowledge gained either way). */
  conclusive: number;
  evidence: number;
  acknowledgements: number;
  byTag: Record<string, number>;
}

/**
 * Counts for the learnings feed. Invalidated hypotheses count as learnings (`learnings`,
 * `conclusive`); there is deliberately no "failed" bucket.
 */
export const learningStats = (
  docs: readonly Pick<LearningFeedDoc, 'result' | 'evidenceCount' | 'acknowledgementCount' | 'tags'>[],
): LearningStats => {
  const stats: LearningStats = {
    learnings: 0,
    byResult: { validated: 0, invalidated: 0, inconclusive: 0 },
    conclusive: 0,
    evidence: 0,
    acknowledgements: 0,
    byTag: {},
  };
  for (const doc of docs) {
    stats.learnings += 1;
    stats.byResult[doc.result] = (stats.byResult[doc.result] ?? 0) + 1;
    if (doc.result === 'validated' || doc.result === 'invalidated') stats.conclusive += 1;
    stats.evidence += doc.evidenceCount;
    stats.acknowledgements += doc.acknowledgementCount;
    for (const tag of doc.tags) stats.byTag[tag] = (Object.hasOwn(stats.byTag, tag) ? stats.byTag[tag] : 0) + 1;
  }
  return stats;
};
