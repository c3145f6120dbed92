import type { CycleClosed, CyclePlanned, CycleRenamed, CycleRescheduled } from '@okr/okr-domain';
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
