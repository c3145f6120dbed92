import type {
  CheckInCorrected,
  CheckInRecorded,
  KeyResultAdded,
  KeyResultDropped,
  KeyResultKind,
  KeyResultMeasure,
  KeyResultTargetRevised,
  KeyResultValue,
  MeasurementRecorded,
  ObjectiveAligned,
  ObjectiveAlignmentWithdrawn,
  ObjectiveCarriedOver,
  ObjectiveCarriedOverFrom,
  ObjectiveGradeCorrected,
  ObjectiveGraded,
  ObjectiveOwnershipTransferred,
  ObjectiveReworded,
  ObjectiveSet,
  ObjectiveStatus,
} from '@okr/okr-domain';
import { effectiveAtMillis, keyResultProgress, objectiveProgress, withTarget } from '@okr/okr-domain';
import type { BulkOperation, Filter, ReadDocument } from '@okr/read-store';
import { cloneJson, replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `objective-summary`: one document per objective (`_id` = objective id) with its current state,
 * its key results with their latest check-in, progress, confidence and last check-in.
 *
 * Decisions:
 * - Read-modify-write: `project(event, [current])` recomputes the whole document and returns ONE
 *   `replaceOne` with upsert. Progress depends on the measure and the latest value together, and
 *   "latest" depends on every check-in's (correctable) `effectiveAt`, so update operators alone
 *   cannot express it. The runner loads the document inside the transaction that writes it.
 * - Check-ins: each key-result entry keeps all its check-ins (`checkIns`, corrections folded in, a
 *   handful per cycle) so that a correction of an older check-in — even one that moves its
 *   `effectiveAt` — is resolved exactly like `checkInsAsOf` does: the latest is the one with the
 *   latest `effectiveAt` (then `recordedAt`), so correcting an older one never overrides a newer one.
 * - `value` / `confidence` / `progress` of a key result come from that latest check-in.
 *   `lastCheckInAt` is when the team last checked in: the latest `recordedAt` of its check-ins
 *   (`latestEffectiveAt` is the moment the latest check-in describes).
 * - `recentConfidences`: confidences of the last 3 check-ins in `effectiveAt` order (oldest first),
 *   for the falling-confidence rule.
 * - Objective `progress`: `objectiveProgress` (mean) over the non-dropped key results, 0 for none.
 * - Objective `confidence`: the MINIMUM of the latest confidences of the non-dropped key results that
 *   have a check-in (null when none has): an objective is only as safe as its weakest key result; a
 *   mean would hide one key result at 2/10 behind two at 9/10.
 * - Objective `lastCheckInAt`: the latest `lastCheckInAt` of its non-dropped key results.
 * - Idempotent without the runner's help too: the document keeps the objective stream's last applied
 *   `revision`, each key result its check-in stream's `checkInRevision`; an event at or below is a no-op.
 * - Out of order across streams (a check-in before its objective / key result arrived): a placeholder
 *   objective (`status: 'unknown'`) / key result (`measure: null`, progress 0) is created and completed
 *   when the goals events arrive.
 * - Grading sets `status: 'closed'` (the domain's status), `grade` (0..1), `retrospective`, and each
 *   key result's `grade`; a grade correction replaces the grades.
 * - Personal data (owners, the retrospective, reasons) stays sealed as the events carry it (the runner
 *   delivers them sealed) and is opened when read, so an erasure reaches it (`-v2`: the first kept it
 *   in clear). Nothing filters or sorts by an owner.
 */
export const OBJECTIVE_SUMMARY = 'objective-summary-v2';

export interface SummaryCheckIn {
  id: string;
  value: KeyResultValue;
  /** Absent on a data source's measurement: it moves the value, never the confidence. */
  confidence?: number;
  /** Set on a measurement: where the value came from. */
  source?: string;
  effectiveAt: string;
  recordedAt: string;
  correctedAt?: string;
}

export interface KeyResultSummary {
  id: string;
  title: string;
  ownerId?: string;
  kind: KeyResultKind | null;
  measure: KeyResultMeasure | null;
  /** When it was added (the event's time); absent in documents written before it was kept. */
  addedAt?: string | null;
  dropped: boolean;
  droppedReason?: string;
  value: KeyResultValue | null;
  confidence: number | null;
  /** Latest `recordedAt` of its check-ins: when the team last checked in. */
  lastCheckInAt: string | null;
  /** `effectiveAt` of the latest check-in. */
  latestEffectiveAt: string | null;
  /** 0..1, from the measure and the latest value. */
  progress: number;
  /** Up to the last 3 confidences, oldest first (by `effectiveAt`). */
  recentConfidences: number[];
  /** Every check-in, corrections folded in, sorted by `effectiveAt` then `recordedAt`. */
  checkIns: SummaryCheckIn[];
  /** Last applied revision of `checkins-{id}`; -1 for none. */
  checkInRevision: number;
  grade: number | null;
}

export type SummaryStatus = ObjectiveStatus | 'unknown';

export interface ObjectiveSummaryDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  teamId: string | null;
  cycleId: string | null;
  ownerId: string | null;
  title: string;
  description?: string;
  status: SummaryStatus;
  parentObjectiveIds: string[];
  grade: number | null;
  retrospective: string | null;
  keyResults: KeyResultSummary[];
  progress: number;
  confidence: number | null;
  lastCheckInAt: string | null;
  setAt: string | null;
  activatedAt: string | null;
  closedAt: string | null;
  archivedAt: string | null;
  /** The objective it went on as in a later cycle (absent or null: not carried over). */
  carriedOverTo?: CarryOverSummary | null;
  /** The objective of an earlier cycle it continues. */
  carriedOverFrom?: CarryOverSummary | null;
  updatedAt: string;
  /** Last applied revision of the objective stream; -1 for none (placeholder). */
  revision: number;
}

export interface CarryOverSummary {
  objectiveId: string;
  cycleId: string;
  reason: string;
}

export const OBJECTIVE_SUMMARY_EVENTS = [
  'ObjectiveSet',
  'ObjectiveReworded',
  'ObjectiveAligned',
  'ObjectiveAlignmentWithdrawn',
  'KeyResultAdded',
  'KeyResultTargetRevised',
  'KeyResultDropped',
  'ObjectiveOwnershipTransferred',
  'ObjectiveActivated',
  'ObjectiveGraded',
  'ObjectiveGradeCorrected',
  'ObjectiveArchived',
  'ObjectiveCarriedOver',
  'ObjectiveCarriedOverFrom',
  'CheckInRecorded',
  'CheckInCorrected',
  'MeasurementRecorded',
] as const;

const CHECK_IN_EVENTS = new Set(['CheckInRecorded', 'CheckInCorrected', 'MeasurementRecorded']);

const emptyObjective = (id: string, event: ProjectedEvent): ObjectiveSummaryDoc => ({
  _id: id,
  tenantId: event.metadata.tenantId,
  teamId: null,
  cycleId: null,
  ownerId: null,
  title: '',
  status: 'unknown',
  parentObjectiveIds: [],
  grade: null,
  retrospective: null,
  keyResults: [],
  progress: 0,
  confidence: null,
  lastCheckInAt: null,
  setAt: null,
  activatedAt: null,
  closedAt: null,
  archivedAt: null,
  updatedAt: event.metadata.occurredAt,
  revision: -1,
});

const emptyKeyResult = (id: string): KeyResultSummary => ({
  id,
  title: '',
  kind: null,
  measure: null,
  dropped: false,
  value: null,
  confidence: null,
  lastCheckInAt: null,
  latestEffectiveAt: null,
  progress: 0,
  recentConfidences: [],
  checkIns: [],
  checkInRevision: -1,
  grade: null,
});

/**
 * The domain's order (`compareCheckIns` of okr-domain): effectiveAt, then recordedAt; a full tie keeps
 * stream order (the sort is stable and check-ins are kept in stream order), exactly as replay does.
 */
const sortCheckIns = (checkIns: readonly SummaryCheckIn[]): SummaryCheckIn[] =>
  // Each check-in's instants are parsed once, not at every comparison (the sort re-runs on every
  // event of the objective, over all its check-ins).
  checkIns
    .map((checkIn) => ({ checkIn, effective: effectiveAtMillis(checkIn.effectiveAt), recorded: Date.parse(checkIn.recordedAt) }))
    .sort((a, b) => a.effective - b.effective || a.recorded - b.recorded)
    .map(({ checkIn }) => checkIn);

const maxInstant = (instants: readonly (string | null)[]): string | null =>
  instants.reduce<string | null>(
    (max, at) => (at !== null && (max === null || Date.parse(at) > Date.parse(max)) ? at : max),
    null,
  );

/** Recomputes a key result's derived fields from its measure and check-ins. */
export const summarizeKeyResult = (kr: KeyResultSummary): KeyResultSummary => {
  const checkIns = sortCheckIns(kr.checkIns);
  const latest = checkIns[checkIns.length - 1];
  // People's check-ins carry the confidence and say when the team last checked in; measurements only move the value.
  const byPeople = checkIns.filter((c): c is SummaryCheckIn & { confidence: number } => c.confidence !== undefined);
  return {
    ...kr,
    checkIns,
    value: latest?.value ?? null,
    confidence: byPeople.at(-1)?.confidence ?? null,
    latestEffectiveAt: latest?.effectiveAt ?? null,
    lastCheckInAt: maxInstant(byPeople.map((c) => c.recordedAt)),
    recentConfidences: byPeople.slice(-3).map((c) => c.confidence),
    progress: kr.measure === null ? 0 : keyResultProgress(kr.measure, latest?.value),
  };
};

/**
 * Key results in the order they were added (then by id; one seen only through its check-ins, whose
 * KeyResultAdded has not arrived yet, last). Goals' and check-ins' events come on different topics
 * and partitions, so their interleaving differs between replicas and rebuilds: the order of first
 * sight would make two views of one log differ.
 */
const byAddition = (a: KeyResultSummary, b: KeyResultSummary): number => {
  const added = (kr: KeyResultSummary) => kr.addedAt ?? '\uffff';
  return added(a) < added(b) ? -1 : added(a) > added(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/**
 * Recomputes the derived fields of a summary (key results, progress, confidence, last check-in).
 * `onlyKeyResultId`: a check-in moved that key result alone, and every other one is as the last
 * write summarized it, so only that one's check-ins are sorted again (every key result's, on every
 * check-in, was the largest part of this model's catch-up).
 */
export const summarize = (doc: ObjectiveSummaryDoc, onlyKeyResultId?: string): ObjectiveSummaryDoc => {
  const keyResults = doc.keyResults
    .map((kr) => (onlyKeyResultId === undefined || kr.id === onlyKeyResultId ? summarizeKeyResult(kr) : kr))
    .sort(byAddition);
  const counting = keyResults.filter((kr) => !kr.dropped);
  const confidences = counting.map((kr) => kr.confidence).filter((c): c is number => c !== null);
  return {
    ...doc,
    keyResults,
    progress: objectiveProgress(counting.map((kr) => kr.progress)),
    confidence: confidences.length === 0 ? null : Math.min(...confidences),
    lastCheckInAt: maxInstant(counting.map((kr) => kr.lastCheckInAt)),
  };
};

const objectiveIdOf = (event: ProjectedEvent): string | undefined =>
  (event.data as { objectiveId?: string } | null)?.objectiveId;

const findOrAddKeyResult = (doc: ObjectiveSummaryDoc, keyResultId: string): KeyResultSummary => {
  let kr = doc.keyResults.find((k) => k.id === keyResultId);
  if (kr === undefined) {
    kr = emptyKeyResult(keyResultId);
    doc.keyResults.push(kr);
  }
  return kr;
};

/** Applies one goals event to a (copied) document; false when the event was already applied. */
const applyObjectiveEvent = (doc: ObjectiveSummaryDoc, event: ProjectedEvent): boolean => {
  if (event.revision <= doc.revision) return false;
  doc.revision = event.revision;
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'ObjectiveSet': {
      const data = event.data as ObjectiveSet['data'];
      doc.tenantId = event.metadata.tenantId;
      doc.teamId = data.teamId;
      doc.cycleId = data.cycleId;
      doc.ownerId = data.ownerId;
      doc.title = data.title;
      if (data.description !== undefined) doc.description = data.description;
      doc.status = 'draft';
      doc.setAt = at;
      return true;
    }
    case 'ObjectiveReworded': {
      const { to } = event.data as ObjectiveReworded['data'];
      doc.title = to.title;
      if (to.description === undefined) delete doc.description;
      else doc.description = to.description;
      return true;
    }
    case 'ObjectiveAligned': {
      const { parentObjectiveId } = event.data as ObjectiveAligned['data'];
      if (!doc.parentObjectiveIds.includes(parentObjectiveId)) doc.parentObjectiveIds.push(parentObjectiveId);
      return true;
    }
    case 'ObjectiveAlignmentWithdrawn': {
      const { parentObjectiveId } = event.data as ObjectiveAlignmentWithdrawn['data'];
      doc.parentObjectiveIds = doc.parentObjectiveIds.filter((id) => id !== parentObjectiveId);
      return true;
    }
    case 'KeyResultAdded': {
      const data = event.data as KeyResultAdded['data'];
      const kr = findOrAddKeyResult(doc, data.keyResultId);
      kr.title = data.title;
      if (data.ownerId !== undefined) kr.ownerId = data.ownerId;
      kr.measure = data.measure;
      kr.kind = data.measure.kind;
      kr.addedAt = at;
      return true;
    }
    case 'KeyResultTargetRevised': {
      const data = event.data as KeyResultTargetRevised['data'];
      const kr = findOrAddKeyResult(doc, data.keyResultId);
      if (kr.measure !== null) kr.measure = withTarget(kr.measure, data.to);
      return true;
    }
    case 'KeyResultDropped': {
      const data = event.data as KeyResultDropped['data'];
      const kr = findOrAddKeyResult(doc, data.keyResultId);
      kr.dropped = true;
      kr.droppedReason = data.reason;
      return true;
    }
    case 'ObjectiveOwnershipTransferred':
      doc.ownerId = (event.data as ObjectiveOwnershipTransferred['data']).toOwnerId;
      return true;
    case 'ObjectiveActivated':
      doc.status = 'active';
      doc.activatedAt = at;
      return true;
    case 'ObjectiveGraded': {
      const data = event.data as ObjectiveGraded['data'];
      doc.status = 'closed';
      doc.closedAt = at;
      doc.grade = data.overallGrade;
      doc.retrospective = data.retrospective;
      for (const { keyResultId, grade } of data.keyResultGrades) findOrAddKeyResult(doc, keyResultId).grade = grade;
      return true;
    }
    case 'ObjectiveGradeCorrected': {
      const { to } = event.data as ObjectiveGradeCorrected['data'];
      doc.grade = to.overallGrade;
      for (const { keyResultId, grade } of to.keyResultGrades) findOrAddKeyResult(doc, keyResultId).grade = grade;
      return true;
    }
    case 'ObjectiveArchived':
      doc.status = 'archived';
      doc.archivedAt = at;
      return true;
    case 'ObjectiveCarriedOver': {
      const { toObjectiveId, toCycleId, reason } = event.data as ObjectiveCarriedOver['data'];
      doc.carriedOverTo = { objectiveId: toObjectiveId, cycleId: toCycleId, reason };
      return true;
    }
    case 'ObjectiveCarriedOverFrom': {
      const { fromObjectiveId, fromCycleId, reason } = event.data as ObjectiveCarriedOverFrom['data'];
      doc.carriedOverFrom = { objectiveId: fromObjectiveId, cycleId: fromCycleId, reason };
      return true;
    }
    default:
      return false;
  }
};

/**
 * A copy of `doc` that a check-in of `keyResultId` may change: the key result itself copied deeply, the
 * others shared with `doc` (a check-in changes none of them, and `project` never changes `current`).
 * The store copies what it is given to write, so nothing written shares anything with `current`.
 */
const copyForKeyResult = (doc: ObjectiveSummaryDoc, keyResultId: string): ObjectiveSummaryDoc => ({
  ...doc,
  keyResults: doc.keyResults.map((kr) => (kr.id === keyResultId ? cloneJson(kr) : kr)),
});

const applyCheckInEvent = (doc: ObjectiveSummaryDoc, event: ProjectedEvent): boolean => {
  const { keyResultId } = event.data as { keyResultId: string };
  const kr = findOrAddKeyResult(doc, keyResultId);
  if (event.revision <= kr.checkInRevision) return false;
  kr.checkInRevision = event.revision;
  if (event.type === 'CheckInRecorded') {
    const data = event.data as CheckInRecorded['data'];
    if (kr.checkIns.some((c) => c.id === data.checkInId)) return true;
    kr.checkIns.push({
      id: data.checkInId,
      value: data.value,
      confidence: data.confidence,
      effectiveAt: data.effectiveAt,
      recordedAt: data.recordedAt,
    });
    return true;
  }
  if (event.type === 'MeasurementRecorded') {
    const data = event.data as MeasurementRecorded['data'];
    if (kr.checkIns.some((c) => c.id === data.measurementId)) return true;
    kr.checkIns.push({ id: data.measurementId, value: data.value, source: data.source, effectiveAt: data.measuredAt, recordedAt: data.recordedAt });
    return true;
  }
  const data = event.data as CheckInCorrected['data'];
  const index = kr.checkIns.findIndex((c) => c.id === data.checkInId);
  if (index < 0) return true;
  const { value, confidence, effectiveAt } = data.changes;
  kr.checkIns[index] = {
    ...kr.checkIns[index],
    ...(value === undefined ? {} : { value }),
    ...(confidence === undefined ? {} : { confidence }),
    ...(effectiveAt === undefined ? {} : { effectiveAt }),
    correctedAt: data.correctedAt,
  };
  return true;
};

export const objectiveSummaryModel: ReadModel<ObjectiveSummaryDoc> = {
  name: OBJECTIVE_SUMMARY,
  indexes: [
    { fields: { tenantId: 1, cycleId: 1 } },
    { fields: { tenantId: 1, teamId: 1 } },
    { fields: { tenantId: 1, status: 1 } },
    // The risk sweep's pages of every tenant's active objectives, in `_id` order.
    { fields: { status: 1, _id: 1 } },
    { fields: { parentObjectiveIds: 1 } },
    { fields: { 'keyResults.id': 1 } },
  ],
  handles: OBJECTIVE_SUMMARY_EVENTS,
  reads(event: ProjectedEvent): Filter | undefined {
    if (event.type === 'CheckInCorrected') {
      return { 'keyResults.id': (event.data as CheckInCorrected['data']).keyResultId };
    }
    const objectiveId = objectiveIdOf(event);
    return objectiveId === undefined ? undefined : { _id: objectiveId };
  },
  project(event: ProjectedEvent, current: readonly ObjectiveSummaryDoc[]): BulkOperation[] {
    if (!(OBJECTIVE_SUMMARY_EVENTS as readonly string[]).includes(event.type)) return [];
    const isCheckIn = CHECK_IN_EVENTS.has(event.type);
    const objectiveId = objectiveIdOf(event) ?? current[0]?._id;
    // A correction whose check-in never reached this view (no summary holds the key result): nothing to correct.
    if (objectiveId === undefined) return [];
    const found = current.find((doc) => doc._id === objectiveId);
    const keyResultId = isCheckIn ? (event.data as { keyResultId: string }).keyResultId : undefined;
    const doc =
      found === undefined ? emptyObjective(objectiveId, event) : keyResultId === undefined ? cloneJson(found) : copyForKeyResult(found, keyResultId);
    const changed = keyResultId !== undefined ? applyCheckInEvent(doc, event) : applyObjectiveEvent(doc, event);
    if (!changed) return [];
    // The latest instant of what it holds, whichever stream's event arrives last.
    doc.updatedAt = maxInstant([doc.updatedAt, event.metadata.occurredAt]) ?? event.metadata.occurredAt;
    return [replaceDocument(summarize(doc, keyResultId))];
  },
};
