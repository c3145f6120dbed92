import type { CyclePlanned } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';
import type { AtRiskCycle } from '../projections';
import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `cycles`: one document per planned cycle (`_id` = cycle id), the dates and cadence the at-risk
 * rules need (the objective summary keeps only `cycleId`). Insights' own small read model, pure like
 * the others; a redelivered `CyclePlanned` replaces the document with the same content.
 */
export const CYCLES = 'cycles';

export interface CycleDoc extends ReadDocument, AtRiskCycle {
  _id: string;
  tenantId: string;
  name: string;
  plannedAt: string;
}

export const cyclesModel: ReadModel<CycleDoc> = {
  name: CYCLES,
  indexes: [{ fields: { tenantId: 1, startsOn: 1 } }],
  handles: ['CyclePlanned'],
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    if (event.type !== 'CyclePlanned') return [];
    const data = event.data as CyclePlanned['data'];
    const document: CycleDoc = {
      _id: data.cycleId,
      tenantId: event.metadata.tenantId,
      name: data.name,
      startsOn: data.startsOn,
      endsOn: data.endsOn,
      checkInCadenceDays: data.checkInCadenceDays,
      plannedAt: event.metadata.occurredAt,
    };
    return [replaceDocument(document)];
  },
};
