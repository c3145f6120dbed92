import {
  atRisk,
  confidenceDrop,
  learningCaptured,
  objectiveAligned,
  objectiveGraded,
  questionAnswered,
  questionAsked,
  type Names,
  type Notification,
} from '@okr/okr-domain';
import type { KeyResultDoc, ObjectiveDoc, TeamDoc, ViewDoc } from '../store/notifications.store';
import type { ViewEvent } from './notification-view.read-model';

/**
 * The notification step, pure: from an event and the documents it read (the view as it was before
 * the event, the team, the followers) to the notifications the rules of `@okr/okr-domain` give.
 * The service runs it inside the event's read-store transaction (see `NotificationProjections`), so
 * the deliveries planned from it commit with the view's changes and the event's applied revision.
 */

/** What an event's notifications are about: whose followers and team leads to read, which team's webhooks hear it. */
export interface NotificationSubject {
  objectiveId?: string;
  teamId: string | null;
  /** Whether the rule tells the objective's and the team's followers. */
  followers: boolean;
}

export interface NotificationInputs {
  /** The view's documents `reads(event)` found, as they were before the event. */
  view: readonly ViewDoc[];
  /** The subject's team (its leads answer questions), when it has one the view knows. */
  team: TeamDoc | null;
  /** Who follows the subject's objective or team, in the order they followed. */
  followers: readonly string[];
}

export interface EventNotifications {
  notifications: Notification[];
  /** The team of what they are about (tenant webhooks filter by it). */
  teamId: string | null;
}

/**
 * Notifications come only from live events: not imported ones, not ones older than the service's
 * first start (a new service reads the log to build its view without announcing history), not ones
 * older than `maxAgeHours` when they arrive (a rebuild, an outage of days: stale news is not news).
 */
export function isLive(event: Pick<ViewEvent, 'metadata'>, now: Date, notifySince: string, maxAgeHours: number): boolean {
  const { occurredAt, importedAt } = event.metadata;
  if (importedAt !== undefined) return false;
  if (occurredAt < notifySince) return false;
  return now.getTime() - Date.parse(occurredAt) <= maxAgeHours * 3_600_000;
}

const find = <D extends ViewDoc>(view: readonly ViewDoc[], kind: D['kind'], id: string | undefined): D | undefined =>
  id === undefined ? undefined : (view.find((doc) => doc._id === id && doc.kind === kind) as D | undefined);
const objectiveIn = (view: readonly ViewDoc[], id: string | undefined) => find<ObjectiveDoc>(view, 'objective', id);
const keyResultIn = (view: readonly ViewDoc[], id: string | undefined) => find<KeyResultDoc>(view, 'keyResult', id);

/** `{ [key]: title }` when the view knows the title, `{}` otherwise (the rules fall back to ids). */
const named = (key: keyof Names, title: string | null | undefined): Names => (title ? { [key]: title } : {});

/** What the event's notifications are about, or null when the event notifies nobody. */
export function subjectOf(event: ViewEvent, view: readonly ViewDoc[]): NotificationSubject | null {
  switch (event.type) {
    case 'ObjectiveAligned':
      return { teamId: objectiveIn(view, event.data.parentObjectiveId)?.teamId ?? null, followers: false };
    case 'ObjectiveGraded':
      return { objectiveId: event.data.objectiveId, teamId: objectiveIn(view, event.data.objectiveId)?.teamId ?? null, followers: true };
    case 'CheckInRecorded':
      return { teamId: objectiveIn(view, event.data.objectiveId)?.teamId ?? null, followers: false };
    case 'LearningCaptured':
    case 'QuestionAsked': {
      const { objectiveId, teamId } = event.data;
      return { ...(objectiveId ? { objectiveId } : {}), teamId: objectiveIn(view, objectiveId)?.teamId ?? teamId ?? null, followers: true };
    }
    case 'QuestionAnswered':
      return { teamId: event.data.teamId ?? null, followers: false };
    case 'KeyResultAtRisk':
      return event.data.addedReasons.length === 0 ? null : { teamId: event.data.teamId, followers: false };
    default:
      return null;
  }
}

/** The notifications of one event, from what it read. */
export function notificationsOf(event: ViewEvent, inputs: NotificationInputs): EventNotifications {
  const { view, followers } = inputs;
  const subject = subjectOf(event, view);
  if (subject === null) return { notifications: [], teamId: null };
  const { teamId } = subject;
  const of = (notifications: Notification[]): EventNotifications => ({ notifications, teamId });
  const trigger = { id: event.id };
  switch (event.type) {
    case 'ObjectiveAligned': {
      const parent = objectiveIn(view, event.data.parentObjectiveId);
      const child = objectiveIn(view, event.data.objectiveId);
      const names = { ...named('objective', parent?.title), ...named('child', child?.title) };
      return of(objectiveAligned({ ...trigger, data: event.data }, parent?.ownerId ?? undefined, event.metadata.actor, names));
    }
    case 'ObjectiveGraded': {
      const objective = objectiveIn(view, event.data.objectiveId);
      return of(objectiveGraded({ ...trigger, data: event.data }, objective?.ownerId ?? undefined, followers, named('objective', objective?.title)));
    }
    case 'CheckInRecorded': {
      const kr = keyResultIn(view, event.data.keyResultId);
      const parent = objectiveIn(view, event.data.objectiveId);
      const previous = typeof kr?.lastConfidence === 'number' ? kr.lastConfidence : undefined;
      const owners = [kr?.ownerId ?? undefined, parent?.ownerId ?? undefined];
      return of(confidenceDrop(previous, { ...trigger, data: event.data }, owners, named('keyResult', kr?.title)));
    }
    case 'LearningCaptured': {
      const parent = objectiveIn(view, event.data.objectiveId);
      const names = named('objective', parent?.title);
      return of(learningCaptured({ ...trigger, data: event.data }, parent?.ownerId ?? undefined, followers, event.data.author, names));
    }
    case 'QuestionAsked': {
      const parent = objectiveIn(view, event.data.objectiveId);
      const kr = keyResultIn(view, event.data.keyResultId);
      const names = { ...named('objective', parent?.title), ...named('keyResult', kr?.title) };
      // The team answers: its leads (from the teams registry) and the owners of what was asked about.
      const owners = [parent?.ownerId ?? undefined, kr?.ownerId ?? undefined, ...(inputs.team?.leads ?? [])];
      return of(questionAsked({ ...trigger, data: event.data }, owners, followers, names));
    }
    case 'QuestionAnswered':
      return of(questionAnswered({ ...trigger, data: event.data }));
    case 'KeyResultAtRisk': {
      const d = event.data;
      const kr = keyResultIn(view, d.keyResultId);
      return of(
        atRisk({
          keyResultId: d.keyResultId,
          objectiveId: d.objectiveId,
          reasons: d.reasons.map((reason) => reason.message),
          krOwner: d.keyResultOwnerId ?? kr?.ownerId ?? undefined,
          objectiveOwner: d.objectiveOwnerId,
          triggeredBy: event.id,
          ...(kr?.title ? { keyResultTitle: kr.title } : {}),
        }),
      );
    }
    default:
      return { notifications: [], teamId: null };
  }
}
