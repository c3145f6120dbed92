import { unhandledEvent, type ProjectedEvent, type ProjectedEventOf, type ReadModel } from '@okr/messaging';
import type { CycleEvent, KeyResultMeasure, ObjectiveEvent } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';

export type ObjectiveStatus = 'draft' | 'active' | 'closed' | 'archived';

/** A cycle's dates (YYYY-MM-DD, `endsOn` inclusive), from goals' events. */
export interface KnownCycleDoc extends ReadDocument {
  kind: 'cycle';
  tenantId: string;
  cycleId: string;
  startsOn: string;
  endsOn: string;
}

export interface KnownObjectiveDoc extends ReadDocument {
  kind: 'objective';
  tenantId: string;
  objectiveId: string;
  teamId: string;
  cycleId: string;
  status: ObjectiveStatus;
  /** Sealed under the owner's key as the events carry it; opened when read (`CheckInsView`). */
  ownerId: string;
}

export interface KnownKeyResultDoc extends ReadDocument {
  kind: 'key-result';
  tenantId: string;
  keyResultId: string;
  objectiveId: string;
  measure: KeyResultMeasure;
  dropped: boolean;
}

export type KnownGoalsDoc = KnownCycleDoc | KnownObjectiveDoc | KnownKeyResultDoc;

/**
 * The documents of one collection, told apart by `kind`, keyed by tenant too: a key result's id is
 * not a stream's, so nothing stops another tenant's objective from naming the same one.
 */
export const knownCycleId = (tenantId: string, cycleId: string): string => `${tenantId}:cycle:${cycleId}`;
export const knownObjectiveId = (tenantId: string, objectiveId: string): string => `${tenantId}:objective:${objectiveId}`;
export const knownKeyResultId = (tenantId: string, keyResultId: string): string => `${tenantId}:key-result:${keyResultId}`;

type KnownGoalsEvent = CycleEvent | ObjectiveEvent;

/**
 * The version of what this model writes. A change to the documents' shape or meaning takes a new
 * version, hence a new name: a name the store holds nothing of gets a consumer group of its own that
 * reads the log from its start beside the live one (readiness says "catching up" until it has), so
 * every key result is projected again under the new meaning, and pods of the old version keep
 * reading the old collection until they are replaced.
 */
export const KNOWN_GOALS_VERSION = 2;

const set = (id: string, fields: Record<string, unknown>): BulkOperation[] => [{ updateOne: { filter: { _id: id }, update: { $set: fields } } }];

/**
 * `check-ins-known-goals-v{n}`: what check-ins knows of goals, from `okr.goals.v1` (it never calls
 * the goals service): each cycle's dates, each objective's team, cycle, owner and status, each key
 * result's objective, measure and whether it was dropped. The owner is kept sealed as the events
 * carry it (its runner is `sealed`; v1 held it in clear), so an erased owner owns nothing here any more. Commands read it to place and check a
 * check-in (the key result exists, still takes check-ins, which cycle bounds it, whose team it is).
 *
 * One document per cycle, objective and key result, joined when read (`CheckInsView`): a key
 * result's cycle is read through its objective, so the cycle's events (another stream, another
 * partition on Kafka) may be applied before or after the objective's and the answer is the same.
 * Pure update operators: the runner applies each stream's events once and in order.
 */
export const knownGoalsModel: ReadModel<KnownGoalsDoc> = {
  name: `check-ins-known-goals-v${KNOWN_GOALS_VERSION}`,
  indexes: [{ fields: { tenantId: 1, kind: 1 } }],
  handles: [
    'CyclePlanned',
    'CycleRescheduled',
    'ObjectiveSet',
    'KeyResultAdded',
    'KeyResultTargetRevised',
    'KeyResultDropped',
    'ObjectiveOwnershipTransferred',
    'ObjectiveActivated',
    'ObjectiveGraded',
    'ObjectiveArchived',
  ] satisfies readonly KnownGoalsEvent['type'][],
  reads: () => undefined,
  project(projected: ProjectedEvent): BulkOperation[] {
    const event = projected as ProjectedEventOf<KnownGoalsEvent>;
    const tenantId = event.metadata.tenantId;
    switch (event.type) {
      case 'CyclePlanned':
      case 'CycleRescheduled': {
        const { cycleId } = event.data;
        const dates = event.type === 'CyclePlanned' ? event.data : event.data.to;
        const doc: KnownCycleDoc = { _id: knownCycleId(tenantId, cycleId), kind: 'cycle', tenantId, cycleId, startsOn: dates.startsOn, endsOn: dates.endsOn };
        return [{ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }];
      }
      case 'ObjectiveSet': {
        const { objectiveId, teamId, cycleId, ownerId } = event.data;
        const doc: KnownObjectiveDoc = { _id: knownObjectiveId(tenantId, objectiveId), kind: 'objective', tenantId, objectiveId, teamId, cycleId, status: 'draft', ownerId };
        return [{ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }];
      }
      case 'KeyResultAdded': {
        const { keyResultId, objectiveId, measure } = event.data;
        const doc: KnownKeyResultDoc = {
          _id: knownKeyResultId(tenantId, keyResultId),
          kind: 'key-result',
          tenantId,
          keyResultId,
          objectiveId,
          measure,
          dropped: false,
        };
        return [{ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }];
      }
      case 'KeyResultTargetRevised': {
        // The new target fields over the measure's own (a revision never changes the kind).
        const fields = Object.fromEntries(Object.entries(event.data.to).map(([field, value]) => [`measure.${field}`, value]));
        return set(knownKeyResultId(tenantId, event.data.keyResultId), fields);
      }
      case 'KeyResultDropped':
        return set(knownKeyResultId(tenantId, event.data.keyResultId), { dropped: true });
      case 'ObjectiveOwnershipTransferred':
        return set(knownObjectiveId(tenantId, event.data.objectiveId), { ownerId: event.data.toOwnerId });
      case 'ObjectiveActivated':
        return set(knownObjectiveId(tenantId, event.data.objectiveId), { status: 'active' });
      case 'ObjectiveGraded':
        return set(knownObjectiveId(tenantId, event.data.objectiveId), { status: 'closed' });
      case 'ObjectiveArchived':
        return set(knownObjectiveId(tenantId, event.data.objectiveId), { status: 'archived' });
      // Nothing here depends on names, alignment, corrected grades or carry-over links.
      case 'CycleRenamed':
      case 'CycleClosed':
      case 'ObjectiveReworded':
      case 'ObjectiveAligned':
      case 'ObjectiveAlignmentWithdrawn':
      case 'ObjectiveGradeCorrected':
      case 'ObjectiveCarriedOver':
      case 'ObjectiveCarriedOverFrom':
        return [];
      default:
        return unhandledEvent(event);
    }
  },
};
