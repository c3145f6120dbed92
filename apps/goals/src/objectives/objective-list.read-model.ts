import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';
import {
  OBJECTIVE_EVENT_TYPES,
  evolveObjective,
  initialObjectiveState,
  type ExistingObjective,
  type ObjectiveEvent,
  type ObjectiveStatus,
} from '@okr/okr-domain';
import type { BulkOperation, Filter, ReadDocument } from '@okr/read-store';

/** One objective as the list of objectives keeps it: the fold of its stream, and the fields lists filter on. */
export interface ObjectiveListDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  cycleId: string;
  teamId: string;
  ownerId: string;
  status: ObjectiveStatus;
  title: string;
  description?: string;
  keyResultCount: number;
  /** Title and description in lower case, what `q` searches. */
  search: string;
  /** When the objective was set (its first event's `occurredAt`): the list's sort key. */
  createdAt: string;
  updatedAt: string;
  revision: number;
  /** The domain's own state of the objective, so the next event folds with the domain's `evolve`. */
  state: ExistingObjective;
}

export const OBJECTIVE_LIST = 'objective-list';

/** Newest first within each filter: every index ends with the sort key and the id tiebreak. */
const byNewest = { createdAt: -1, _id: -1 } as const;

/**
 * The list of objectives (`GET /api/v1/objectives`): one document per objective, recomputed by
 * folding each event into the stored state with the objective decider's `evolve`, so the list
 * cannot disagree with `GET /objectives/{id}` once it has caught up.
 */
export const objectiveListModel: ReadModel<ObjectiveListDoc> = {
  name: OBJECTIVE_LIST,
  indexes: [
    { fields: { tenantId: 1, ...byNewest } },
    { fields: { tenantId: 1, cycleId: 1, ...byNewest } },
    { fields: { tenantId: 1, teamId: 1, ...byNewest } },
    { fields: { tenantId: 1, ownerId: 1, ...byNewest } },
    { fields: { tenantId: 1, status: 1, ...byNewest } },
  ],
  handles: OBJECTIVE_EVENT_TYPES,
  reads(event: ProjectedEvent): Filter | undefined {
    const objectiveId = (event.data as { objectiveId?: unknown }).objectiveId;
    return typeof objectiveId === 'string' ? { _id: objectiveId } : undefined;
  },
  project(event: ProjectedEvent, current: readonly ObjectiveListDoc[]): BulkOperation[] {
    const before = current[0];
    // Another tenant's objective with the same id cannot be folded into this one.
    if (before && before.tenantId !== event.metadata.tenantId) return [];
    const state = evolveObjective(before?.state ?? initialObjectiveState(), { type: event.type, data: event.data } as ObjectiveEvent);
    if (state.status === 'empty') return [];
    const document: ObjectiveListDoc = {
      _id: state.id,
      tenantId: event.metadata.tenantId,
      cycleId: state.cycleId,
      teamId: state.teamId,
      ownerId: state.ownerId,
      status: state.status,
      title: state.title,
      ...(state.description !== undefined ? { description: state.description } : {}),
      keyResultCount: state.keyResults.filter((kr) => !kr.dropped).length,
      search: `${state.title}\n${state.description ?? ''}`.toLowerCase(),
      createdAt: before?.createdAt ?? event.metadata.occurredAt,
      updatedAt: event.metadata.occurredAt,
      revision: event.revision,
      state,
    };
    return [replaceDocument(document)];
  },
};

/** A `$regex` matching `text` literally (what a person typed in a search box is not a pattern). */
export const literalPattern = (text: string): string => text.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
