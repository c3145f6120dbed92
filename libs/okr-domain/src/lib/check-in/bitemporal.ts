import type { KeyResultValue } from '../objective/key-result';
import type { CheckInCorrected, CheckInRecorded } from './check-in';
import { effectiveAtMillis } from './check-in';
import type { MeasurementRecorded } from './measurement';

/**
 * Bitemporal queries over the events of one check-in stream. Two questions, two times:
 * - {@link checkInsAsOf}: the corrected truth about the world as of a moment (valid time, `effectiveAt`);
 * - {@link checkInsKnownAt}: what had been recorded by a moment (transaction time, `recordedAt` / `correctedAt`).
 * Both are pure folds over the stream, so the answer for a past moment never changes once known.
 */

/** A check-in as a reader sees it, with the corrections that apply folded in. */
export interface CheckInView {
  id: string;
  keyResultId: string;
  value: KeyResultValue;
  /** Absent on a data source's measurement: confidence is the people's. */
  confidence?: number;
  /** Set on a measurement: where the value comes from, and where to see it. */
  source?: string;
  link?: string;
  note?: string;
  blockers?: string[];
  effectiveAt: string;
  /** When the check-in was first recorded. */
  recordedAt: string;
  /** When the last correction folded into this view was recorded. */
  correctedAt?: string;
  /** How many corrections are folded into this view. */
  corrections: number;
}

/** The shape of a stored event these queries read: an `EventEnvelope` will do. */
export type CheckInEventLike = { readonly type: string; readonly data: unknown };

const millis = (instant: string): number => Date.parse(instant);

const fold = (events: readonly CheckInEventLike[], knownAt?: number): CheckInView[] => {
  const known = (instant: string) => knownAt === undefined || millis(instant) <= knownAt;
  const views = new Map<string, CheckInView>();
  for (const event of events) {
    if (event.type === 'CheckInRecorded') {
      const data = event.data as CheckInRecorded['data'];
      if (!known(data.recordedAt) || views.has(data.checkInId)) continue;
      const { checkInId, keyResultId, value, confidence, note, blockers, effectiveAt, recordedAt } = data;
      views.set(checkInId, {
        id: checkInId,
        keyResultId,
        value,
        confidence,
        ...(note === undefined ? {} : { note }),
        ...(blockers === undefined ? {} : { blockers: [...blockers] }),
        effectiveAt,
        recordedAt,
        corrections: 0,
      });
    } else if (event.type === 'MeasurementRecorded') {
      const data = event.data as MeasurementRecorded['data'];
      if (!known(data.recordedAt) || views.has(data.measurementId)) continue;
      const { measurementId, keyResultId, value, measuredAt, source, link, recordedAt } = data;
      views.set(measurementId, {
        id: measurementId,
        keyResultId,
        value,
        source,
        ...(link === undefined ? {} : { link }),
        effectiveAt: measuredAt,
        recordedAt,
        corrections: 0,
      });
    } else if (event.type === 'CheckInCorrected') {
      const data = event.data as CheckInCorrected['data'];
      const view = views.get(data.checkInId);
      if (view === undefined || !known(data.correctedAt)) continue;
      const { note, blockers, ...rest } = { ...view, ...data.changes };
      views.set(data.checkInId, {
        ...rest,
        // In a correction '' and [] mean "none".
        ...(note === undefined || note === '' ? {} : { note }),
        ...(blockers === undefined || blockers.length === 0 ? {} : { blockers: [...blockers] }),
        correctedAt: data.correctedAt,
        corrections: view.corrections + 1,
      });
    }
  }
  return [...views.values()];
};

/** Orders check-ins by the moment they describe, then by the moment they were recorded. */
export const compareCheckIns = (a: CheckInView, b: CheckInView): number =>
  effectiveAtMillis(a.effectiveAt) - effectiveAtMillis(b.effectiveAt) || millis(a.recordedAt) - millis(b.recordedAt);

/**
 * The views at or before `limit` (all without one), in {@link compareCheckIns}' order, each view's
 * moments parsed once: a comparator that parsed both sides at every comparison made the sort
 * O(n log n) parses, most of a replay page's time.
 */
const momentsUntil = (views: readonly CheckInView[], limit: number | undefined): CheckInView[] =>
  views
    .map((view) => ({ view, effective: effectiveAtMillis(view.effectiveAt), recorded: millis(view.recordedAt) }))
    .filter(({ effective }) => limit === undefined || effective <= limit)
    .sort((a, b) => a.effective - b.effective || a.recorded - b.recorded)
    .map(({ view }) => view);

/**
 * The corrected truth as of `asOf` (default: all of time): every check-in with every correction
 * applied, whenever it was recorded, keeping those whose corrected `effectiveAt` is at or before
 * `asOf` (a YYYY-MM-DD date counts as that day 00:00Z). Sorted by `effectiveAt`, then `recordedAt`.
 */
export const checkInsAsOf = (events: readonly CheckInEventLike[], asOf?: Date): CheckInView[] => {
  const limit = asOf?.getTime();
  return momentsUntil(fold(events), limit);
};

/**
 * What was known at `knownAt`: only the check-ins recorded at or before it, with only the corrections
 * recorded at or before it applied. Give `asOf` as well to ask the full bitemporal question ("what did
 * we know on 3 March about the weeks up to 24 February"). Sorted by `effectiveAt`, then `recordedAt`.
 */
export const checkInsKnownAt = (events: readonly CheckInEventLike[], knownAt: Date, asOf?: Date): CheckInView[] => {
  const limit = asOf?.getTime();
  return momentsUntil(fold(events, knownAt.getTime()), limit);
};

/** The confidence of the latest check-in that has one: measurements move the value, never the confidence. */
export const latestConfidence = (views: readonly CheckInView[]): number | undefined =>
  latestCheckIn(views.filter((view) => view.confidence !== undefined))?.confidence;

/** The check-in describing the latest moment (the last recorded one on a tie); undefined for none. */
export const latestCheckIn = (views: readonly CheckInView[]): CheckInView | undefined => {
  // As `compareCheckIns(view, latest) >= 0`, with the latest's moment parsed once and a recording time only on a tie.
  let latest: CheckInView | undefined;
  let latestEffective = Number.NaN;
  for (const view of views) {
    const effective = effectiveAtMillis(view.effectiveAt);
    if (latest === undefined || (effective - latestEffective || millis(view.recordedAt) - millis(latest.recordedAt)) >= 0) {
      latest = view;
      latestEffective = effective;
    }
  }
  return latest;
};
