import { isIsoCalendarDate } from '../cycle/cycle.decider';
import type { Command, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';
import type { KeyResultKind, KeyResultValue } from '../objective/key-result';
import type { CheckInWindow } from './check-in.rules';
import type { MeasurementRecorded, RecordMeasurement } from './measurement';

/**
 * Check-ins of a key result: one stream per key result (`checkins-{keyResultId}`). Every check-in has
 * two times: `effectiveAt`, the moment it describes (a week, a day), and `recordedAt`, the moment it
 * became known. A correction is a new event with a reason; nothing recorded is ever edited.
 */
export const CHECK_IN_CATEGORY = 'checkins';

/** `checkins-{keyResultId}`. */
export const checkInStreamName = (keyResultId: string): string => streamName(CHECK_IN_CATEGORY, keyResultId);

/** Confidence is an integer 0..10, as in Radical Focus: 5 means "could go either way". */
export const MIN_CONFIDENCE = 0;
export const MAX_CONFIDENCE = 10;
export const MAX_NOTE_LENGTH = 2000;
export const MAX_BLOCKERS = 20;

/** The fields of a check-in that a correction can change. */
export interface CheckInFields {
  value: KeyResultValue;
  confidence: number;
  /** In a correction, `''` means "no note". */
  note: string;
  /** In a correction, `[]` means "no blockers". */
  blockers: string[];
  effectiveAt: string;
}

/** Who wrote a check-in's free text as it stands: the person who recorded it, or who last corrected it. */
export interface CheckInTextAuthors {
  note?: string;
  blockers?: string;
}

export type CheckInRecorded = DomainEvent<
  'CheckInRecorded',
  {
    checkInId: string;
    keyResultId: string;
    objectiveId: string;
    value: KeyResultValue;
    confidence: number;
    note?: string;
    blockers?: string[];
    /** ISO calendar date (YYYY-MM-DD) or ISO instant with a zone: the moment the check-in describes. */
    effectiveAt: string;
    /** ISO instant: the command's `now`. */
    recordedAt: string;
  }
>;
export type CheckInCorrected = DomainEvent<
  'CheckInCorrected',
  {
    checkInId: string;
    keyResultId: string;
    /** Only the fields that changed. */
    changes: Partial<CheckInFields>;
    /** The values of the changed fields before the correction (`''` / `[]` for an absent note / blockers). */
    from: Partial<CheckInFields>;
    /**
     * Who wrote the note and blockers of `from` (the recorder, or an earlier corrector), where known:
     * their words stay theirs, so they are sealed under their key, not the corrector's.
     */
    fromAuthors?: CheckInTextAuthors;
    reason: string;
    /** ISO instant: the command's `now`. */
    correctedAt: string;
  }
>;
/** A key result's check-in stream: people's check-ins and their corrections, and data sources' measurements. */
export type CheckInEvent = CheckInRecorded | CheckInCorrected | MeasurementRecorded;

export type RecordCheckIn = Command<
  'RecordCheckIn',
  {
    checkInId: string;
    keyResultId: string;
    objectiveId: string;
    /** The key result's kind, known to the service: a milestone takes a boolean, every other kind a number. */
    kind: KeyResultKind;
    /** The key result's cycle and grace, known to the service; absent when it does not know the cycle. */
    window?: CheckInWindow;
    value: KeyResultValue;
    confidence: number;
    note?: string;
    blockers?: string[];
    effectiveAt: string;
  }
>;
export type CorrectCheckIn = Command<
  'CorrectCheckIn',
  {
    checkInId: string;
    kind: KeyResultKind;
    /** As for a recording: a corrected `effectiveAt` must stay inside it. */
    window?: CheckInWindow;
    value?: KeyResultValue;
    confidence?: number;
    /** `''` removes the note. */
    note?: string;
    /** `[]` removes the blockers. */
    blockers?: string[];
    effectiveAt?: string;
    reason: string;
  }
>;
export type CheckInCommand = RecordCheckIn | CorrectCheckIn | RecordMeasurement;

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True for a YYYY-MM-DD calendar date or an ISO instant with a zone (`Z` or `±hh:mm`). */
export const isEffectiveAt = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  if (isIsoCalendarDate(value)) return true;
  const match = ISO_INSTANT.exec(value);
  return match !== null && isIsoCalendarDate(match[1]) && Number.isFinite(Date.parse(value));
};

/**
 * Milliseconds since the epoch of an `effectiveAt`: a calendar date counts as that day 00:00Z.
 * NaN for anything {@link isEffectiveAt} refuses.
 */
export const effectiveAtMillis = (effectiveAt: string): number =>
  isEffectiveAt(effectiveAt)
    ? Date.parse(isIsoCalendarDate(effectiveAt) ? `${effectiveAt}T00:00:00Z` : effectiveAt)
    : Number.NaN;
