import { unhandledEvent, type ProjectedEvent, type ProjectedEventOf, type ReadModel } from '@okr/messaging';
import type {
  CheckInRecorded,
  CyclePlanned,
  CycleRenamed,
  CycleRescheduled,
  KeyResultAdded,
  KeyResultAtRisk,
  KeyResultDropped,
  LearningCaptured,
  ObjectiveActivated,
  ObjectiveAligned,
  ObjectiveAlignmentWithdrawn,
  ObjectiveArchived,
  ObjectiveGraded,
  ObjectiveOwnershipTransferred,
  ObjectiveReworded,
  ObjectiveSet,
  QuestionAnswered,
  QuestionAsked,
  TeamLeadsChanged,
  TeamRegistered,
} from '@okr/okr-domain';
import type { BulkOperation, Filter, Update } from '@okr/read-store';
import { COLLECTIONS, type ViewDoc } from '../store/notifications.store';

/** The events the view and the notification rules read; the runner acknowledges and skips the rest. */
export type NotificationViewEvent =
  | CyclePlanned
  | CycleRenamed
  | CycleRescheduled
  | ObjectiveSet
  | ObjectiveReworded
  | ObjectiveOwnershipTransferred
  | ObjectiveActivated
  | ObjectiveArchived
  | ObjectiveAligned
  | ObjectiveAlignmentWithdrawn
  | ObjectiveGraded
  | KeyResultAdded
  | KeyResultDropped
  | CheckInRecorded
  | LearningCaptured
  | TeamRegistered
  | TeamLeadsChanged
  | QuestionAsked
  | QuestionAnswered
  | KeyResultAtRisk;

/** An event of the view as the runner hands it: its type and data typed together. */
export type ViewEvent = ProjectedEventOf<NotificationViewEvent>;

export const NOTIFICATION_VIEW_EVENTS = [
  'CyclePlanned',
  'CycleRenamed',
  'CycleRescheduled',
  'ObjectiveSet',
  'ObjectiveReworded',
  'ObjectiveOwnershipTransferred',
  'ObjectiveActivated',
  'ObjectiveArchived',
  'ObjectiveAligned',
  'ObjectiveAlignmentWithdrawn',
  'ObjectiveGraded',
  'KeyResultAdded',
  'KeyResultDropped',
  'CheckInRecorded',
  'LearningCaptured',
  'TeamRegistered',
  'TeamLeadsChanged',
  'QuestionAsked',
  'QuestionAnswered',
  'KeyResultAtRisk',
] as const satisfies readonly NotificationViewEvent['type'][];

/** A handled event, typed (the runner passes only the types in `handles`). */
export const viewEvent = (event: ProjectedEvent): ViewEvent => event as unknown as ViewEvent;

/** `_id` of a team's document: team ids are slugs per tenant. */
export const teamDocId = (tenantId: string, teamId: string): string => `${tenantId}:${teamId}`;

/**
 * The documents an event needs, of the view itself (before its changes): the objective, its parent,
 * the key result, the team, for the view's own read-modify-writes and for the notification step.
 */
export function viewIdsOf(event: ViewEvent): string[] {
  const tenantId = event.metadata.tenantId;
  switch (event.type) {
    case 'ObjectiveAligned':
      return [event.data.parentObjectiveId, event.data.objectiveId];
    case 'ObjectiveGraded':
      return [event.data.objectiveId];
    case 'CheckInRecorded':
      return [event.data.keyResultId, event.data.objectiveId];
    case 'LearningCaptured':
      return [...(event.data.objectiveId ? [event.data.objectiveId] : []), ...(event.data.teamId ? [teamDocId(tenantId, event.data.teamId)] : [])];
    case 'QuestionAsked':
      return [
        ...(event.data.objectiveId ? [event.data.objectiveId] : []),
        ...(event.data.keyResultId ? [event.data.keyResultId] : []),
        ...(event.data.teamId ? [teamDocId(tenantId, event.data.teamId)] : []),
      ];
    case 'KeyResultAtRisk':
      return [event.data.keyResultId];
    default:
      return [];
  }
}

const upsert = (_id: string, update: Update): BulkOperation[] => [{ updateOne: { filter: { _id }, update, upsert: true } }];

/** What one event changes in the view: update operators only, so it never depends on what was read. */
function changesOf(event: ViewEvent): BulkOperation[] {
  const tenantId = event.metadata.tenantId;
  const objective = (id: string, update: Update) => upsert(id, { ...update, $set: { kind: 'objective', tenantId, ...(update['$set'] as object) } });
  switch (event.type) {
    case 'CyclePlanned': {
      const { cycleId, name, startsOn, endsOn, checkInCadenceDays } = event.data;
      return upsert(cycleId, { $set: { kind: 'cycle', tenantId, name, startsOn, endsOn, checkInCadenceDays } });
    }
    case 'CycleRenamed':
      return upsert(event.data.cycleId, { $set: { kind: 'cycle', tenantId, name: event.data.to } });
    case 'CycleRescheduled':
      // Reminders follow the cycle's dates: a cycle moved before it started is reminded on its new dates.
      return upsert(event.data.cycleId, { $set: { kind: 'cycle', tenantId, startsOn: event.data.to.startsOn, endsOn: event.data.to.endsOn } });
    case 'ObjectiveSet': {
      const { objectiveId, cycleId, teamId, ownerId, title } = event.data;
      return objective(objectiveId, { $set: { cycleId, teamId, ownerId, title, status: 'draft', activatedAt: null, parents: [] } });
    }
    case 'ObjectiveReworded':
      return objective(event.data.objectiveId, { $set: { title: event.data.to.title } });
    case 'ObjectiveOwnershipTransferred':
      return objective(event.data.objectiveId, { $set: { ownerId: event.data.toOwnerId } });
    case 'ObjectiveActivated':
      return objective(event.data.objectiveId, { $set: { status: 'active', activatedAt: event.metadata.occurredAt } });
    case 'ObjectiveArchived':
      return objective(event.data.objectiveId, { $set: { status: 'archived' } });
    case 'ObjectiveAligned':
      return objective(event.data.objectiveId, { $addToSet: { parents: event.data.parentObjectiveId } });
    case 'ObjectiveAlignmentWithdrawn':
      return objective(event.data.objectiveId, { $pull: { parents: event.data.parentObjectiveId } });
    case 'ObjectiveGraded':
      return objective(event.data.objectiveId, { $set: { status: 'closed' } });
    case 'KeyResultAdded': {
      const { keyResultId, objectiveId, title, ownerId } = event.data;
      return upsert(keyResultId, { $set: { kind: 'keyResult', tenantId, objectiveId, title, ownerId: ownerId ?? null, dropped: false } });
    }
    case 'KeyResultDropped':
      return upsert(event.data.keyResultId, { $set: { kind: 'keyResult', tenantId, objectiveId: event.data.objectiveId, dropped: true } });
    case 'CheckInRecorded': {
      const { keyResultId, objectiveId, confidence, recordedAt } = event.data;
      return upsert(keyResultId, { $set: { kind: 'keyResult', tenantId, objectiveId, lastConfidence: confidence, lastCheckInAt: recordedAt } });
    }
    case 'TeamRegistered':
    case 'TeamLeadsChanged': {
      const leads = event.type === 'TeamRegistered' ? (event.data.leads ?? []) : event.data.to;
      return upsert(teamDocId(tenantId, event.data.teamId), { $set: { kind: 'team', tenantId, teamId: event.data.teamId, leads } });
    }
    case 'LearningCaptured':
    case 'QuestionAsked':
    case 'QuestionAnswered':
    case 'KeyResultAtRisk':
      return [];
    default:
      return unhandledEvent(event);
  }
}

/**
 * The notifications service's view of goals, check-ins and insights (`notifications-view-v2`): what the
 * notification rules need to name things and find people (objectives with owner, team, parents and
 * status; key results with owner and last confidence; cycles for reminders; teams' leads). Pure: the
 * runner reads `reads(event)` in the event's transaction, applies `project`'s writes, and the
 * notification step (`notifications-of-event.ts`) gets the same documents as they were before them.
 */
export const notificationViewModel: ReadModel<ViewDoc> = {
  name: COLLECTIONS.view.name,
  indexes: COLLECTIONS.view.indexes,
  handles: NOTIFICATION_VIEW_EVENTS,
  reads(event): Filter | undefined {
    const ids = viewIdsOf(viewEvent(event));
    return ids.length === 0 ? undefined : { _id: { $in: ids } };
  },
  project: (event) => changesOf(viewEvent(event)),
};
