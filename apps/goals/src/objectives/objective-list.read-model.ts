import { sealedKeyId } from '@okr/event-store';
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

/**
 * One objective as the list of objectives keeps it: the fold of its stream, and the fields lists filter
 * on. Personal data stays as the events carry it, sealed under each person's key (the owner, reasons,
 * a retrospective): the query opens it, and an erased person reads "erased person" as in history.
 */
export interface ObjectiveListDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  cycleId: string;
  teamId: string;
  /** Sealed. */
  ownerId: string;
  /**
   * The id of the owner's key (random, names no one; it travels in clear in every sealed value):
   * what `ownerId=` filters on, through the key store's `keyIdOf`. Once the key is destroyed no one's
   * key has this id, so the filter finds nothing; a person who acts again has a new key.
   */
  ownerKeyId?: string;
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
  /** The domain's own state of the objective (personal fields sealed), so the next event folds with the domain's `evolve`. */
  state: ExistingObjective;
}

/** v2: personal fields sealed and the owner filtered by blind index (`objective-list` held them in clear). */
export const OBJECTIVE_LIST = 'objective-list-v2';

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
    { fields: { tenantId: 1, ownerKeyId: 1, ...byNewest } },
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
    // The events come sealed (the runner is `sealed`): the fold keeps personal fields as they carry them.
    const state = evolveObjective(before?.state ?? initialObjectiveState(), { type: event.type, data: event.data } as ObjectiveEvent);
    if (state.status === 'empty') return [];
    const ownerKeyId = sealedKeyId(state.ownerId);
    const document: ObjectiveListDoc = {
      _id: state.id,
      tenantId: event.metadata.tenantId,
      cycleId: state.cycleId,
      teamId: state.teamId,
      ownerId: state.ownerId,
      ...(ownerKeyId !== undefined ? { ownerKeyId } : {}),
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
