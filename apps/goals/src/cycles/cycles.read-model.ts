import type { CycleClosed, CyclePlanned, CycleRenamed, CycleRescheduled, ObjectiveCarriedOver, ObjectiveReworded, ObjectiveSet } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';
import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `goals-cycles`: one document per cycle (`_id` = cycle id) for `GET /cycles`, newest first by
 * `startsOn`. Status is not stored: it moves with the clock (`cycleStatus`).
 */
export interface CycleListDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
  closedAt: string | null;
  plannedAt: string;
}

/** `$set` on one document by id. */
const set = <Doc extends ReadDocument>(id: string, fields: Partial<Doc>): BulkOperation => ({
  updateOne: { filter: { _id: id }, update: { $set: fields } },
});

export const cyclesListModel: ReadModel<CycleListDoc> = {
  name: 'goals-cycles',
  indexes: [{ fields: { tenantId: 1, startsOn: -1 } }],
  handles: ['CyclePlanned', 'CycleRenamed', 'CycleRescheduled', 'CycleClosed'],
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    switch (event.type) {
      case 'CyclePlanned': {
        const { cycleId, name, startsOn, endsOn, checkInCadenceDays } = event.data as CyclePlanned['data'];
        const doc: CycleListDoc = {
          _id: cycleId,
          tenantId: event.metadata.tenantId,
          name,
          startsOn,
          endsOn,
          checkInCadenceDays,
          closedAt: null,
          plannedAt: event.metadata.occurredAt,
        };
        return [replaceDocument(doc)];
      }
      case 'CycleRenamed': {
        const { cycleId, to } = event.data as CycleRenamed['data'];
        return [set<CycleListDoc>(cycleId, { name: to })];
      }
      case 'CycleRescheduled': {
        const { cycleId, to } = event.data as CycleRescheduled['data'];
        return [set<CycleListDoc>(cycleId, { startsOn: to.startsOn, endsOn: to.endsOn })];
      }
      case 'CycleClosed': {
        const { cycleId, closedAt } = event.data as CycleClosed['data'];
        return [set<CycleListDoc>(cycleId, { closedAt })];
      }
      default:
        return [];
    }
  },
};

/**
 * `goals-cycle-objectives`: one document per objective with its cycle and whether it is still to be
 * graded, so that closing a cycle can say which objectives were left ungraded.
 */
export interface CycleObjectiveDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  cycleId: string;
  teamId: string;
  title: string;
  status: 'draft' | 'active' | 'closed' | 'archived';
  carriedOverTo: string | null;
  setAt: string;
}

export const cycleObjectivesModel: ReadModel<CycleObjectiveDoc> = {
  name: 'goals-cycle-objectives',
  indexes: [{ fields: { tenantId: 1, cycleId: 1 } }],
  handles: ['ObjectiveSet', 'ObjectiveReworded', 'ObjectiveActivated', 'ObjectiveGraded', 'ObjectiveArchived', 'ObjectiveCarriedOver'],
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    const { objectiveId } = event.data as { objectiveId: string };
    switch (event.type) {
      case 'ObjectiveSet': {
        const { cycleId, teamId, title } = event.data as ObjectiveSet['data'];
        const doc: CycleObjectiveDoc = {
          _id: objectiveId,
          tenantId: event.metadata.tenantId,
          cycleId,
          teamId,
          title,
          status: 'draft',
          carriedOverTo: null,
          setAt: event.metadata.occurredAt,
        };
        return [replaceDocument(doc)];
      }
      case 'ObjectiveReworded':
        return [set<CycleObjectiveDoc>(objectiveId, { title: (event.data as ObjectiveReworded['data']).to.title })];
      case 'ObjectiveActivated':
        return [set<CycleObjectiveDoc>(objectiveId, { status: 'active' })];
      case 'ObjectiveGraded':
        return [set<CycleObjectiveDoc>(objectiveId, { status: 'closed' })];
      case 'ObjectiveArchived':
        return [set<CycleObjectiveDoc>(objectiveId, { status: 'archived' })];
      case 'ObjectiveCarriedOver':
        return [set<CycleObjectiveDoc>(objectiveId, { carriedOverTo: (event.data as ObjectiveCarriedOver['data']).toObjectiveId })];
      default:
        return [];
    }
  },
};
