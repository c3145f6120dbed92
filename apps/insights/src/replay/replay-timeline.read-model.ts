import { categoryOf, objectiveDecider, OBJECTIVE_EVENT_TYPES, type ExistingObjective, type ObjectiveEvent, type ObjectiveState } from '@okr/okr-domain';
import type { BulkOperation, Filter, ReadDocument } from '@okr/read-store';
import type { ProjectedEvent, ReadModel } from '@okr/messaging';

/**
 * The temporal read model behind replay and frames: what a replay at any instant needs, kept as it
 * changes, so that an as-of answer reads the documents valid at that instant instead of the log.
 *
 * `replay-versions`: one document per state of each objective, valid from the `occurredAt` of the
 * event that made it (`validFrom`, in ms) until the next event of its stream (`validTo`, {@link OPEN}
 * while it is the latest). The state at `t` is the version with `validFrom <= t < validTo`: exactly the
 * fold of the stream's events that occurred by `t`, as long as a stream's `occurredAt` never goes back
 * (commands append at now; imports never before a stream's last event). Events of one instant make
 * empty intervals but for the last one. `seq` is the log position of the stream's first event, the
 * order the fold sees streams in. Learnings and questions get one document each, from their capture
 * on: where they belong (objective, team) never changes, and what they say is personal data (texts,
 * askers, answerers), so the answer reads their own streams, opened (or erased) as the log is now.
 *
 * `replay-check-ins`: per key result, the few fields of its check-in stream the answer reads (values,
 * confidences and the two times; no notes, no blockers), in stream order, so that both readings (as known
 * then, as corrected since) are the domain's own bitemporal folds over a handful of entries.
 *
 * Every `_id` starts with the tenant, and every query names it: one tenant never reads another's.
 */
/**
 * The names carry the documents' shape version: a new shape is a new name, so a new consumer group
 * builds it from the start of the log beside the old one (which is then dropped), never a migration.
 */
export const REPLAY_VERSIONS = 'replay-versions-v1';
export const REPLAY_CHECK_INS = 'replay-check-ins-v1';

/** `validTo` of the latest version: later than any instant a `Date` can hold. */
export const OPEN = 8.64e15 + 1;

/** The indexed value of "no team / cycle / objective". */
export const NONE = '';

export type VersionKind = 'objective' | 'learning' | 'question';

/**
 * Objectives per block: the n-th objective a tenant set is in block `floor(n / BLOCK)`, so that a page
 * of the whole organisation reads a few blocks (an equality the embedded store's hash indexes answer)
 * instead of every version of the tenant.
 */
export const BLOCK = 64;

/** The per-tenant count of objectives, kept in the same collection (the runner reads only its own). */
export interface ObjectiveCounterDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  kind: 'counter';
  count: number;
  /** The block size its objectives were placed with. */
  blockSize: number;
}

export const counterKey = (tenantId: string): string => `${tenantId}|#objectives`;

/**
 * When a block's first objective was set, kept in the same collection: the earliest instant any of
 * its versions is valid from (the minimum over its objectives' first versions, whatever order the log
 * brought them in). A page of the whole organisation at an instant skips the blocks that start after
 * it instead of reading their versions (before, an instant near the log's start read every version of
 * the tenant: 238k on the large organisation, 5-30 s once they were no longer all in memory). A block
 * without one (written before it was kept) is read.
 */
export interface BlockStartDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  kind: 'block';
  block: number;
  from: number;
}

export const blockKey = (tenantId: string, block: number): string => `${tenantId}|#block|${block}`;

/** What a replay shows of an objective (the rest of its state is left out of the read model). */
export type ReplayObjectiveState = Pick<ExistingObjective, 'status' | 'id' | 'title' | 'teamId' | 'cycleId' | 'parentObjectiveIds'> & {
  keyResults: Pick<ExistingObjective['keyResults'][number], 'id' | 'title' | 'measure' | 'dropped'>[];
};

export interface ReplayVersionDoc extends ReadDocument {
  /** `{tenantId}|{streamId}|{revision}`. */
  _id: string;
  tenantId: string;
  kind: VersionKind;
  streamId: string;
  revision: number;
  seq: number;
  /** Objective: its block (see {@link BLOCK}); -1 for learnings and questions. */
  block: number;
  validFrom: number;
  validTo: number;
  /**
   * Objective: its team, cycle and own id; learning / question: the team and objective they are about.
   * `''` for none, so that "about no objective" is an indexed equality like any other.
   */
  teamId: string;
  cycleId: string;
  objectiveId: string;
  /** Objective: what it was aligned to (the subtree filter reads only these). */
  parents: string[];
  /** Objective: what the replay shows of it; learnings and questions are read from their streams. */
  state: ReplayObjectiveState | null;
}

/** One event of a check-in stream, trimmed to what the bitemporal folds read. */
export interface CheckInEntry {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface ReplayCheckInsDoc extends ReadDocument {
  /** `{tenantId}|checkins-{keyResultId}`. */
  _id: string;
  tenantId: string;
  entries: CheckInEntry[];
}

export const versionKey = (tenantId: string, streamId: string): string => `${tenantId}|${streamId}`;

const CHECK_IN_EVENTS = ['CheckInRecorded', 'MeasurementRecorded', 'CheckInCorrected'] as const;

const KINDS: Record<string, VersionKind> = { objective: 'objective', learning: 'learning', question: 'question' };

const trimObjective = (state: ExistingObjective): ReplayObjectiveState => ({
  status: state.status,
  id: state.id,
  title: state.title,
  teamId: state.teamId,
  cycleId: state.cycleId,
  parentObjectiveIds: [...state.parentObjectiveIds],
  keyResults: state.keyResults.map(({ id, title, measure, dropped }) => ({ id, title, measure, dropped })),
});

/** The next state of an objective: the domain's own `evolve` (the trimmed state lacks only fields the replay never shows). */
const evolveObjective = (previous: ReplayObjectiveState | null | undefined, event: ProjectedEvent): ReplayObjectiveState | undefined => {
  const next = objectiveDecider.evolve((previous ?? objectiveDecider.initialState()) as ObjectiveState, event as unknown as ObjectiveEvent);
  return next.status === 'empty' ? undefined : trimObjective(next);
};

/** Where a learning or question belongs, from its capture (`LearningCaptured`, `QuestionAsked`): it never moves. */
const placeOfCaptured = (data: { teamId?: string; objectiveId?: string }): Pick<ReplayVersionDoc, 'teamId' | 'cycleId' | 'objectiveId' | 'parents'> => ({
  teamId: data.teamId ?? NONE,
  cycleId: NONE,
  objectiveId: data.objectiveId ?? NONE,
  parents: [],
});

/** The versions read model, placing objectives in blocks of `blockSize` (tests use small blocks). */
export const replayVersionsModelOf = (blockSize = BLOCK): ReadModel<ReplayVersionDoc> => ({
  name: REPLAY_VERSIONS,
  indexes: [
    { fields: { tenantId: 1, streamId: 1, validTo: 1 } },
    { fields: { tenantId: 1, kind: 1, teamId: 1 } },
    { fields: { tenantId: 1, kind: 1, cycleId: 1, block: 1 } },
    { fields: { tenantId: 1, kind: 1, objectiveId: 1 } },
    { fields: { tenantId: 1, kind: 1, block: 1 } },
  ],
  handles: [...OBJECTIVE_EVENT_TYPES, 'LearningCaptured', 'QuestionAsked'],
  // The stream's latest version, which this event closes; and the tenant's count of objectives.
  reads: (event): Filter => ({
    $or: [{ tenantId: event.metadata.tenantId, streamId: event.streamId, validTo: OPEN }, { _id: counterKey(event.metadata.tenantId) }],
  }),
  project(event, current): BulkOperation[] {
    const kind = KINDS[categoryOf(event.streamId)];
    if (kind === undefined) return [];
    const counter = current.find((doc) => doc._id === counterKey(event.metadata.tenantId)) as ObjectiveCounterDoc | undefined;
    const latest = current.find((doc) => doc !== (counter as unknown));
    const at = Date.parse(event.metadata.occurredAt);
    const tenantId = event.metadata.tenantId;
    const base = { tenantId, kind, streamId: event.streamId, revision: event.revision, seq: latest?.seq ?? event.position ?? 0, validFrom: at, validTo: OPEN };
    const ordinal = counter?.count ?? 0;
    if (kind !== 'objective') {
      if (latest !== undefined || (event.type !== 'LearningCaptured' && event.type !== 'QuestionAsked')) return [];
      const version: ReplayVersionDoc = { _id: versionKey(tenantId, event.streamId), ...base, block: -1, ...placeOfCaptured(event.data as { teamId?: string; objectiveId?: string }), state: null };
      return [{ replaceOne: { filter: { _id: version._id }, replacement: version, upsert: true } }];
    }
    const state = evolveObjective(latest?.state, event);
    if (state === undefined) return [];
    const version: ReplayVersionDoc = {
      _id: `${versionKey(tenantId, event.streamId)}|${event.revision}`,
      ...base,
      block: latest?.block ?? Math.floor(ordinal / (counter?.blockSize ?? blockSize)),
      teamId: state.teamId,
      cycleId: state.cycleId,
      objectiveId: state.id,
      parents: [...state.parentObjectiveIds],
      state,
    };
    const counted: ObjectiveCounterDoc = { _id: counterKey(tenantId), tenantId, kind: 'counter', count: ordinal + 1, blockSize: counter?.blockSize ?? blockSize };
    const blockStart: BulkOperation = {
      updateOne: {
        filter: { _id: blockKey(tenantId, version.block) },
        update: { $min: { from: at }, $setOnInsert: { tenantId, kind: 'block', block: version.block } },
        upsert: true,
      },
    };
    return [
      ...(latest
        ? [{ updateOne: { filter: { _id: latest._id }, update: { $set: { validTo: at } } } }]
        : [{ replaceOne: { filter: { _id: counted._id }, replacement: counted, upsert: true } }, blockStart]),
      { replaceOne: { filter: { _id: version._id }, replacement: version, upsert: true } },
    ];
  },
});

export const replayVersionsModel = replayVersionsModelOf();

const pick = (data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(fields.filter((field) => data[field] !== undefined).map((field) => [field, data[field]]));

/** The fields of each check-in event the folds read (`CheckInCorrected`'s changes: only value, confidence, effectiveAt). */
const trimCheckIn = (type: string, data: Record<string, unknown>): Record<string, unknown> => {
  if (type === 'CheckInRecorded') return pick(data, ['checkInId', 'keyResultId', 'value', 'confidence', 'effectiveAt', 'recordedAt']);
  if (type === 'MeasurementRecorded') return pick(data, ['measurementId', 'keyResultId', 'value', 'measuredAt', 'source', 'recordedAt']);
  const changes = (data['changes'] ?? {}) as Record<string, unknown>;
  return { ...pick(data, ['checkInId', 'correctedAt']), changes: pick(changes, ['value', 'confidence', 'effectiveAt']) };
};

export const replayCheckInsModel: ReadModel<ReplayCheckInsDoc> = {
  name: REPLAY_CHECK_INS,
  indexes: [],
  handles: CHECK_IN_EVENTS,
  reads: () => undefined,
  project(event): BulkOperation[] {
    const entry: CheckInEntry = { type: event.type, occurredAt: event.metadata.occurredAt, data: trimCheckIn(event.type, event.data as Record<string, unknown>) };
    return [
      {
        updateOne: {
          filter: { _id: versionKey(event.metadata.tenantId, event.streamId) },
          update: { $set: { tenantId: event.metadata.tenantId }, $push: { entries: entry } },
          upsert: true,
        },
      },
    ];
  },
};
