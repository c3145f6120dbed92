import type { CycleClosed, CyclePlanned, CycleRenamed, CycleRescheduled } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';
import type { AtRiskCycle } from '../projections';
import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `cycles`: one document per planned cycle (`_id` = cycle id), its name, the dates and cadence the
 * at-risk rules need (the objective summary keeps only `cycleId`) and when it was closed. Its status
 * (upcoming, active, ended, closed) moves with the clock, so queries derive it with `cycleStatus`.
 * Pure like the others; a redelivered event writes the same content again.
 */
export const CYCLES = 'cycles';

export interface CycleDoc extends ReadDocument, AtRiskCycle {
  _id: string;
  tenantId: string;
  name: string;
  plannedAt: string;
}

const set = (cycleId: string, fields: Partial<CycleDoc>): BulkOperation[] => [{ updateOne: { filter: { _id: cycleId }, update: { $set: fields } } }];

export const cyclesModel: ReadModel<CycleDoc> = {
  name: CYCLES,
  indexes: [{ fields: { tenantId: 1, startsOn: 1 } }],
  handles: ['CyclePlanned', 'CycleRenamed', 'CycleRescheduled', 'CycleClosed'],
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    switch (event.type) {
      case 'CyclePlanned': {
        const data = event.data as CyclePlanned['data'];
        const document: CycleDoc = {
          _id: data.cycleId,
          tenantId: event.metadata.tenantId,
          name: data.name,
          startsOn: data.startsOn,
          endsOn: data.endsOn,
          checkInCadenceDays: data.checkInCadenceDays,
          plannedAt: event.metadata.occurredAt,
          closedAt: null,
        };
        return [replaceDocument(document)];
      }
      case 'CycleRenamed': {
        const { cycleId, to } = event.data as CycleRenamed['data'];
        return set(cycleId, { name: to });
      }
      case 'CycleRescheduled': {
        const { cycleId, to } = event.data as CycleRescheduled['data'];
        return set(cycleId, { startsOn: to.startsOn, endsOn: to.endsOn });
      }
      case 'CycleClosed': {
        const { cycleId, closedAt } = event.data as CycleClosed['data'];
        return set(cycleId, { closedAt });
      }
      default:
        return [];
    }
  },
};
