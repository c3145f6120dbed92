import type { EventEnvelope, KeyResultMeasure, ObjectiveState } from '@okr/okr-domain';

export interface KeyResultView {
  id: string;
  title: string;
  kind: KeyResultMeasure['kind'];
  start?: number;
  target?: number;
  threshold?: number;
  min?: number;
  max?: number;
  unit?: string;
  ownerId?: string;
  status: 'active' | 'dropped';
  droppedReason?: string;
}

export interface ObjectiveView {
  id: string;
  cycleId: string;
  teamId: string;
  ownerId: string;
  title: string;
  description?: string;
  status: string;
  parentObjectiveIds: string[];
  keyResults: KeyResultView[];
  grade?: unknown;
  /** The objective it went on as, in a later cycle. */
  carriedOverTo?: { objectiveId: string; cycleId: string; reason: string };
  /** The objective of an earlier cycle it continues. */
  carriedOverFrom?: { objectiveId: string; cycleId: string; reason: string };
  revision: number;
  updatedAt: string;
  updatedBy: string;
  asOf?: string;
}

type Existing = Exclude<ObjectiveState, { status: 'empty' }>;

/** The API's shape of an objective: flat key-result numbers, so clients need not know the measure union. */
export function toObjectiveView(state: Existing, revision: number, last: EventEnvelope, asOf?: Date): ObjectiveView {
  return {
    id: state.id,
    cycleId: state.cycleId,
    teamId: state.teamId,
    ownerId: state.ownerId,
    title: state.title,
    ...(state.description !== undefined ? { description: state.description } : {}),
    status: state.status,
    parentObjectiveIds: [...state.parentObjectiveIds],
    keyResults: state.keyResults.map((kr) => ({
      id: kr.id,
      title: kr.title,
      ...kr.measure,
      ...(kr.ownerId !== undefined ? { ownerId: kr.ownerId } : {}),
      status: kr.dropped ? 'dropped' : 'active',
      ...(kr.droppedReason !== undefined ? { droppedReason: kr.droppedReason } : {}),
    })),
    ...(state.grade ? { grade: state.grade } : {}),
    ...(state.carriedOverTo ? { carriedOverTo: { ...state.carriedOverTo } } : {}),
    ...(state.carriedOverFrom ? { carriedOverFrom: { ...state.carriedOverFrom } } : {}),
    revision,
    updatedAt: last.metadata.occurredAt,
    updatedBy: last.metadata.actor,
    ...(asOf ? { asOf: asOf.toISOString() } : {}),
  };
}
