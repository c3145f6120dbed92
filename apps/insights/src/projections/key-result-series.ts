import type {
  CheckInCorrected,
  CheckInRecorded,
  KeyResultAdded,
  KeyResultDropped,
  KeyResultMeasure,
  KeyResultTarget,
  KeyResultTargetRevised,
  KeyResultValue,
  MeasurementRecorded,
} from '@okr/okr-domain';
import { effectiveAtMillis, keyResultProgress, targetOf, withTarget } from '@okr/okr-domain';
import type { BulkOperation, Filter, ReadDocument } from '@okr/read-store';
import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `key-result-series`: points of value, progress and confidence per key result, for charts.
 *
 * Decisions:
 * - One collection, two kinds of documents (`docType`):
 *   - `key-result` (`_id: 'kr:{keyResultId}'`): the key result's CURRENT measure, objective and
 *     dropped flag, kept here so a point's progress can be computed without another read model
 *     (read-modify-write inside the runner's transaction, see `read-model.ts`);
 *   - `point` (`_id: '{checkInId}@{revision}'`, revision = the check-in stream revision of the event
 *     that produced it): one version of one check-in. `CheckInRecorded` creates version 1; each
 *     `CheckInCorrected` supersedes the current version (`current: false`, `supersededAt`) and adds a
 *     new one with the corrections folded in (`validFrom` = `recordedAt` / `correctedAt`). Charts read
 *     `{ docType: 'point', keyResultId, current: true }` sorted by `effectiveAtMs`; "what did the chart
 *     show at T" reads the versions valid at T (`validFrom <= T` and not superseded by T).
 * - A point's `progress` (and its `target`) use the measure in force when that version became known
 *   (`validFrom`): the key result's document keeps every target with the instant it took effect
 *   (`measures`, from `KeyResultAdded` and each `KeyResultTargetRevised`'s `occurredAt`), and a revision
 *   recomputes the points known since it. So a later revision does not rewrite history (the chart shows
 *   what the dashboards showed then), and a revision racing a check-in (two topics, no order between
 *   them) gives every replica the same series whichever arrives first. A point that arrived before its
 *   key result has `progress: null` until `KeyResultAdded` fills it in.
 * - Every point written claims the key result's document (`claimedBy`, see
 *   `SeriesPendingKeyResultDoc`), so a transaction projecting a point and one projecting the key result
 *   (added or revised) at once write one document: the store runs the later again, with the other's
 *   writes, and no write skew leaves a point with a stale or missing target.
 * - Idempotent: a redelivered `CheckInRecorded` (any version of the check-in exists) or
 *   `CheckInCorrected` (its own version is current) is a no-op; key-result updates are plain `$set`s.
 */
export const KEY_RESULT_SERIES = 'key-result-series-v2';

/** A target of the key result and the instant it took effect (null: from the key result's start). */
export interface SeriesMeasureVersion {
  from: string | null;
  measure: KeyResultMeasure;
}

export interface SeriesKeyResultDoc extends ReadDocument {
  _id: string;
  docType: 'key-result';
  tenantId: string;
  keyResultId: string;
  objectiveId: string;
  /** The measure in force now (the last of `measures`). */
  measure: KeyResultMeasure;
  /** Every measure with the instant it took effect, oldest first. */
  measures: SeriesMeasureVersion[];
  dropped: boolean;
  /** The last check-in event that wrote a point of this key result. */
  claimedBy?: string;
}

export interface SeriesPointDoc extends ReadDocument {
  _id: string;
  docType: 'point';
  tenantId: string;
  checkInId: string;
  keyResultId: string;
  objectiveId: string;
  /** The check-in stream revision of the event that produced this version. */
  revision: number;
  effectiveAt: string;
  /** `effectiveAt` in epoch milliseconds (a date counts as 00:00Z), for sorting. */
  effectiveAtMs: number;
  recordedAt: string;
  value: KeyResultValue;
  /** null on a data source's measurement (`source` set): people give confidence, not sources. */
  confidence: number | null;
  source?: string;
  /** 0..1; null until the key result's measure is known. */
  progress: number | null;
  /** The target in force at `validFrom` (none for milestones / unknown measure). */
  target: KeyResultTarget | null;
  /** When this version became known: `recordedAt`, or the correction's `correctedAt`. */
  validFrom: string;
  supersededAt: string | null;
  current: boolean;
  corrections: number;
}

/**
 * Written by a check-in, a measurement or a correction that finds no key-result document (it claims the
 * key result's document when there is one): the key result's `KeyResultAdded` or a target revision
 * (another topic) may be in a transaction running at the same time that did not see the new point.
 * Both transactions then write this one document, so the store refuses the one that commits second and
 * it runs again, seeing the other's write (without it, a write skew left the point's progress null, or
 * its target stale, for good). `KeyResultAdded` replaces it with the key result's document.
 */
export interface SeriesPendingKeyResultDoc extends ReadDocument {
  _id: string;
  docType: 'key-result-pending';
  tenantId: string;
  keyResultId: string;
  objectiveId: string;
  /** The last event that claimed it: each claim changes the document. */
  claimedBy: string;
}

export type SeriesDoc = SeriesKeyResultDoc | SeriesPointDoc | SeriesPendingKeyResultDoc;

export const KEY_RESULT_SERIES_EVENTS = [
  'KeyResultAdded',
  'KeyResultTargetRevised',
  'KeyResultDropped',
  'CheckInRecorded',
  'CheckInCorrected',
  'MeasurementRecorded',
] as const;

export const seriesKeyResultId = (keyResultId: string): string => `kr:${keyResultId}`;
export const seriesPointId = (checkInId: string, revision: number): string => `${checkInId}@${revision}`;

/** The filter of a key result's chart (current versions); sort by `{ effectiveAtMs: 1, recordedAt: 1 }`. */
export const currentSeriesFilter = (keyResultId: string): Filter => ({ docType: 'point', keyResultId, current: true });

const progressOf = (measure: KeyResultMeasure | undefined, value: KeyResultValue): number | null =>
  measure === undefined ? null : keyResultProgress(measure, value);
const targetFor = (measure: KeyResultMeasure | undefined): KeyResultTarget | null =>
  (measure === undefined ? undefined : targetOf(measure)) ?? null;

/** The measure in force at `instant` (a point's `validFrom`); undefined while the key result is unknown. */
const measureAt = (kr: SeriesKeyResultDoc | undefined, instant: string): KeyResultMeasure | undefined => {
  const at = Date.parse(instant);
  let found: KeyResultMeasure | undefined;
  for (const version of kr?.measures ?? []) if (version.from === null || Date.parse(version.from) <= at) found = version.measure;
  return found;
};

/** The point's progress and target under the measures of `kr`, as a `$set` when they differ from what it holds. */
const reassessed = (point: SeriesPointDoc, kr: SeriesKeyResultDoc): BulkOperation[] => {
  const measure = measureAt(kr, point.validFrom);
  const progress = progressOf(measure, point.value);
  const target = targetFor(measure);
  if (progress === point.progress && JSON.stringify(target) === JSON.stringify(point.target)) return [];
  return [{ updateOne: { filter: { _id: point._id }, update: { $set: { progress, target } } } }];
};

const keyResultDocOf = (current: readonly SeriesDoc[], keyResultId: string): SeriesKeyResultDoc | undefined =>
  current.find((d): d is SeriesKeyResultDoc => d.docType === 'key-result' && d._id === seriesKeyResultId(keyResultId));

/** Claims the key result's document, or a placeholder while it is unknown (see {@link SeriesPendingKeyResultDoc}). */
const claimKeyResult = (event: ProjectedEvent, keyResultId: string, objectiveId: string): BulkOperation => ({
  updateOne: {
    filter: { _id: seriesKeyResultId(keyResultId) },
    // Always a change (the event's id), even when the document exists or appeared since this
    // transaction read it: a no-op would not make the two transactions conflict.
    update: { $set: { claimedBy: event.id }, $setOnInsert: { docType: 'key-result-pending', tenantId: event.metadata.tenantId, keyResultId, objectiveId } },
    upsert: true,
  },
});

type NewPoint = Pick<SeriesPointDoc, 'checkInId' | 'keyResultId' | 'objectiveId' | 'effectiveAt' | 'recordedAt' | 'value' | 'confidence'> & {
  source?: string;
};

/** Version 1 of a check-in's or a measurement's point; nothing when the point exists (a redelivery). */
const newPoint = (event: ProjectedEvent, current: readonly SeriesDoc[], data: NewPoint): BulkOperation[] => {
  if (current.some((d) => d.docType === 'point' && d.checkInId === data.checkInId)) return [];
  const measure = measureAt(keyResultDocOf(current, data.keyResultId), data.recordedAt);
  const point: SeriesPointDoc = {
    _id: seriesPointId(data.checkInId, event.revision),
    docType: 'point',
    tenantId: event.metadata.tenantId,
    checkInId: data.checkInId,
    keyResultId: data.keyResultId,
    objectiveId: data.objectiveId,
    revision: event.revision,
    effectiveAt: data.effectiveAt,
    effectiveAtMs: effectiveAtMillis(data.effectiveAt),
    recordedAt: data.recordedAt,
    value: data.value,
    confidence: data.confidence,
    ...(data.source === undefined ? {} : { source: data.source }),
    progress: progressOf(measure, data.value),
    target: targetFor(measure),
    validFrom: data.recordedAt,
    supersededAt: null,
    current: true,
    corrections: 0,
  };
  return [claimKeyResult(event, data.keyResultId, data.objectiveId), replaceDocument(point)];
};

export const keyResultSeriesModel: ReadModel<SeriesDoc> = {
  name: KEY_RESULT_SERIES,
  indexes: [
    { fields: { docType: 1, keyResultId: 1, current: 1, effectiveAtMs: 1 } },
    { fields: { docType: 1, objectiveId: 1 } },
    { fields: { checkInId: 1, current: 1 } },
  ],
  handles: KEY_RESULT_SERIES_EVENTS,
  reads(event: ProjectedEvent): Filter | undefined {
    const data = event.data as { keyResultId: string; checkInId?: string };
    const kr = { _id: seriesKeyResultId(data.keyResultId) };
    switch (event.type) {
      case 'KeyResultAdded':
        return { $or: [kr, { docType: 'point', keyResultId: data.keyResultId, progress: null }] };
      case 'KeyResultTargetRevised':
        return { $or: [kr, { docType: 'point', keyResultId: data.keyResultId }] };
      case 'KeyResultDropped':
        return kr;
      case 'CheckInRecorded':
        return { $or: [kr, { docType: 'point', checkInId: data.checkInId }] };
      case 'MeasurementRecorded':
        return { $or: [kr, { docType: 'point', checkInId: (event.data as MeasurementRecorded['data']).measurementId }] };
      case 'CheckInCorrected':
        return { $or: [kr, { docType: 'point', checkInId: data.checkInId, current: true }] };
      default:
        return undefined;
    }
  },
  project(event: ProjectedEvent, current: readonly SeriesDoc[]): BulkOperation[] {
    const tenantId = event.metadata.tenantId;
    switch (event.type) {
      case 'KeyResultAdded': {
        const data = event.data as KeyResultAdded['data'];
        const existing = keyResultDocOf(current, data.keyResultId);
        const claim = current.find((d) => d._id === seriesKeyResultId(data.keyResultId))?.['claimedBy'] as string | undefined;
        const doc: SeriesKeyResultDoc = {
          _id: seriesKeyResultId(data.keyResultId),
          docType: 'key-result',
          tenantId,
          keyResultId: data.keyResultId,
          objectiveId: data.objectiveId,
          measure: existing?.measure ?? data.measure,
          measures: existing?.measures ?? [{ from: null, measure: data.measure }],
          dropped: existing?.dropped ?? false,
          // Kept from the placeholder, so the document ends the same whichever topic came first.
          ...(claim === undefined ? {} : { claimedBy: claim }),
        };
        const pending = current.filter(
          (d): d is SeriesPointDoc => d.docType === 'point' && d.keyResultId === data.keyResultId && d.progress === null,
        );
        return [replaceDocument(doc), ...pending.flatMap((point) => reassessed(point, doc))];
      }
      case 'KeyResultTargetRevised': {
        const data = event.data as KeyResultTargetRevised['data'];
        const kr = keyResultDocOf(current, data.keyResultId);
        const from = event.metadata.occurredAt;
        if (kr === undefined || kr.measures.some((m) => m.from === from)) return [];
        const measure = withTarget(kr.measure, data.to);
        const measures = [...kr.measures, { from, measure }];
        const revised = { ...kr, measure, measures };
        const points = current.filter((d): d is SeriesPointDoc => d.docType === 'point' && d.keyResultId === data.keyResultId);
        return [
          { updateOne: { filter: { _id: kr._id }, update: { $set: { measure, measures } } } },
          ...points.filter((point) => Date.parse(point.validFrom) >= Date.parse(from)).flatMap((point) => reassessed(point, revised)),
        ];
      }
      case 'KeyResultDropped': {
        const data = event.data as KeyResultDropped['data'];
        return [
          { updateOne: { filter: { _id: seriesKeyResultId(data.keyResultId) }, update: { $set: { dropped: true } } } },
        ];
      }
      case 'CheckInRecorded': {
        const data = event.data as CheckInRecorded['data'];
        return newPoint(event, current, { ...data, confidence: data.confidence });
      }
      case 'MeasurementRecorded': {
        const { measurementId, measuredAt, source, ...data } = event.data as MeasurementRecorded['data'];
        return newPoint(event, current, { ...data, checkInId: measurementId, effectiveAt: measuredAt, confidence: null, source });
      }
      case 'CheckInCorrected': {
        const data = event.data as CheckInCorrected['data'];
        const previous = current.find(
          (d): d is SeriesPointDoc => d.docType === 'point' && d.checkInId === data.checkInId && d.current,
        );
        if (previous === undefined || previous.revision >= event.revision) return [];
        const measure = measureAt(keyResultDocOf(current, data.keyResultId), data.correctedAt);
        const { value = previous.value, confidence = previous.confidence, effectiveAt = previous.effectiveAt } =
          data.changes;
        const point: SeriesPointDoc = {
          ...previous,
          _id: seriesPointId(data.checkInId, event.revision),
          revision: event.revision,
          effectiveAt,
          effectiveAtMs: effectiveAtMillis(effectiveAt),
          value,
          confidence,
          progress: measure === undefined ? previous.progress : progressOf(measure, value),
          target: measure === undefined ? previous.target : targetFor(measure),
          validFrom: data.correctedAt,
          supersededAt: null,
          current: true,
          corrections: previous.corrections + 1,
        };
        return [
          {
            updateOne: {
              filter: { _id: previous._id },
              update: { $set: { current: false, supersededAt: data.correctedAt } },
            },
          },
          replaceDocument(point),
          claimKeyResult(event, data.keyResultId, previous.objectiveId),
        ];
      }
      default:
        return [];
    }
  },
};
