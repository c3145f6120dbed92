import type { KeyResultValue } from '../objective/key-result';
import { actorOf, type Decider } from '../shared/envelope';
import { notFound, ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import { emptyMap, mapGet, mapSet, type PersistentMap } from '../shared/persistent-map';
import type { CheckInCommand, CheckInEvent, CheckInFields, CheckInTextAuthors, CorrectCheckIn, RecordCheckIn } from './check-in';
import { MAX_BLOCKERS, MAX_CONFIDENCE, MAX_NOTE_LENGTH, MIN_CONFIDENCE } from './check-in';
import { checkEffectiveAt, checkValue } from './check-in.rules';
import { recordMeasurement, type MeasurementVersion } from './measurement';

/** One version of a check-in: as recorded, or as it stood after a correction. */
export interface CheckInVersion {
  checkInId: string;
  value: KeyResultValue;
  confidence: number;
  note?: string;
  blockers?: string[];
  effectiveAt: string;
  /** When this version became known: the recording, or the correction that made it. */
  recordedAt: string;
  /** Who wrote its note and blockers, when the events folded carried their actor. */
  authors?: CheckInTextAuthors;
}

/**
 * The check-ins of one key result, each with all its versions, oldest first. The maps share structure
 * between states, so a fold of a long stream costs each event a few small copies, not a copy of every
 * check-in before it.
 */
export interface CheckInsState {
  keyResultId?: string;
  checkIns: PersistentMap<readonly CheckInVersion[]>;
  /** Data sources' measurements by id; absent until the first. */
  measurements?: PersistentMap<MeasurementVersion>;
}

/** The state of a check-in stream with no events. */
export const initialCheckInsState = (): CheckInsState => ({ checkIns: emptyMap() });

/** Every version of a check-in, oldest first ([] when there is none). */
export const checkInVersions = (state: CheckInsState, checkInId: string): readonly CheckInVersion[] => mapGet(state.checkIns, checkInId) ?? [];

/** The current version of a check-in, or undefined when there is none. */
export const currentCheckIn = (state: CheckInsState, checkInId: string): CheckInVersion | undefined => mapGet(state.checkIns, checkInId)?.at(-1);

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const required = (value: unknown, code: string, field: string): string => {
  const trimmed = text(value);
  if (trimmed === '') throw ruleBroken(code, `${field} is required.`, { field });
  return trimmed;
};

const checkConfidence = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_CONFIDENCE || value > MAX_CONFIDENCE) {
    throw ruleBroken('confidence-out-of-range', 'Confidence is a whole number from 0 to 10 (5: could go either way).', {
      field: 'confidence',
      value,
    });
  }
  return value;
};

/** Trimmed note; '' when there is none. */
const checkNote = (value: unknown): string => {
  const note = text(value);
  if (note.length > MAX_NOTE_LENGTH) {
    throw ruleBroken('note-too-long', `A note has at most ${MAX_NOTE_LENGTH} characters.`, {
      field: 'note',
      length: note.length,
    });
  }
  return note;
};

/** Trimmed blockers without blanks; [] when there are none. */
const checkBlockers = (value: unknown): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((b) => typeof b !== 'string')) {
    throw ruleBroken('invalid-blockers', 'blockers is a list of texts.', { field: 'blockers' });
  }
  const blockers = value.map(text).filter((b) => b !== '');
  if (blockers.length > MAX_BLOCKERS) {
    throw ruleBroken('too-many-blockers', `At most ${MAX_BLOCKERS} blockers.`, { field: 'blockers', count: blockers.length });
  }
  return blockers;
};

const recordCheckIn = (state: CheckInsState, { data, metadata }: RecordCheckIn): CheckInEvent[] => {
  const checkInId = required(data.checkInId, 'check-in-id-required', 'checkInId');
  const keyResultId = required(data.keyResultId, 'key-result-id-required', 'keyResultId');
  const objectiveId = required(data.objectiveId, 'objective-id-required', 'objectiveId');
  if (state.keyResultId !== undefined && state.keyResultId !== keyResultId) {
    throw ruleBroken('key-result-mismatch', 'This stream holds the check-ins of another key result.', { keyResultId, streamKeyResultId: state.keyResultId });
  }
  if (mapGet(state.checkIns, checkInId) !== undefined) {
    throw ruleBroken('check-in-already-recorded', 'This check-in was already recorded.', { checkInId });
  }
  const value = checkValue(data.kind, data.value);
  const confidence = checkConfidence(data.confidence);
  const effectiveAt = checkEffectiveAt(data.effectiveAt, metadata.now, data.window);
  const note = checkNote(data.note);
  const blockers = checkBlockers(data.blockers);
  return [
    {
      type: 'CheckInRecorded',
      data: {
        checkInId,
        keyResultId,
        objectiveId,
        value,
        confidence,
        ...(note === '' ? {} : { note }),
        ...(blockers.length === 0 ? {} : { blockers }),
        effectiveAt,
        recordedAt: metadata.now,
      },
    },
  ];
};

const sameBlockers = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const correctCheckIn = (state: CheckInsState, { data, metadata }: CorrectCheckIn): CheckInEvent[] => {
  const current = currentCheckIn(state, data.checkInId);
  if (current === undefined || state.keyResultId === undefined) {
    throw notFound('check-in-not-found', 'This key result has no such check-in.', { checkInId: data.checkInId });
  }
  const was: CheckInFields = {
    value: current.value,
    confidence: current.confidence,
    note: current.note ?? '',
    blockers: current.blockers ?? [],
    effectiveAt: current.effectiveAt,
  };
  const changes: Partial<CheckInFields> = {};
  const from: Partial<CheckInFields> = {};
  if (data.value !== undefined) {
    const value = checkValue(data.kind, data.value);
    if (value !== was.value) [changes.value, from.value] = [value, was.value];
  }
  if (data.confidence !== undefined) {
    const confidence = checkConfidence(data.confidence);
    if (confidence !== was.confidence) [changes.confidence, from.confidence] = [confidence, was.confidence];
  }
  if (data.note !== undefined) {
    const note = checkNote(data.note);
    if (note !== was.note) [changes.note, from.note] = [note, was.note];
  }
  if (data.blockers !== undefined) {
    const blockers = checkBlockers(data.blockers);
    if (!sameBlockers(blockers, was.blockers)) [changes.blockers, from.blockers] = [blockers, [...was.blockers]];
  }
  if (data.effectiveAt !== undefined) {
    const effectiveAt = checkEffectiveAt(data.effectiveAt, metadata.now, data.window);
    if (effectiveAt !== was.effectiveAt) [changes.effectiveAt, from.effectiveAt] = [effectiveAt, was.effectiveAt];
  }
  if (Object.keys(changes).length === 0) {
    throw ruleBroken('correction-changes-nothing', 'The correction gives the values the check-in already has.', {
      checkInId: current.checkInId,
    });
  }
  const reason = required(data.reason, 'reason-required', 'reason');
  const fromAuthors: CheckInTextAuthors = {
    ...(from.note !== undefined && current.authors?.note ? { note: current.authors.note } : {}),
    ...(from.blockers !== undefined && current.authors?.blockers ? { blockers: current.authors.blockers } : {}),
  };
  return [
    {
      type: 'CheckInCorrected',
      data: {
        checkInId: current.checkInId,
        keyResultId: state.keyResultId,
        changes,
        from,
        ...(Object.keys(fromAuthors).length > 0 ? { fromAuthors } : {}),
        reason,
        correctedAt: metadata.now,
      },
    },
  ];
};

/**
 * Decides what a check-in command means. Throws a {@link DomainError}: kind `not-found` for
 * `check-in-not-found`, `rule-broken` for `confidence-out-of-range`, `value-does-not-fit-kind`,
 * `value-out-of-range`, `invalid-effective-at`, `effective-at-in-future`,
 * `effective-at-before-cycle`, `effective-at-after-cycle`, `note-too-long`, `invalid-blockers`, `too-many-blockers`,
 * `check-in-already-recorded`, `key-result-mismatch`, `check-in-id-required`, `key-result-id-required`,
 * `objective-id-required`, `reason-required` and `correction-changes-nothing`; for a measurement also
 * `invalid-source` and `measurement-conflicts` (see `recordMeasurement`).
 */
export const decideCheckIn = (command: CheckInCommand, state: CheckInsState): CheckInEvent[] => {
  switch (command.type) {
    case 'RecordCheckIn':
      return recordCheckIn(state, command);
    case 'CorrectCheckIn':
      return correctCheckIn(state, command);
    case 'RecordMeasurement':
      if (state.keyResultId !== undefined && state.keyResultId !== command.data.keyResultId) {
        throw ruleBroken('key-result-mismatch', 'This stream holds the check-ins of another key result.', {
          keyResultId: command.data.keyResultId,
          streamKeyResultId: state.keyResultId,
        });
      }
      return recordMeasurement((id) => (state.measurements ? mapGet(state.measurements, id) : undefined), command);
    default:
      return unhandledCommand(command);
  }
};

const withoutEmpty = (version: CheckInVersion): CheckInVersion => {
  const { note, blockers, ...rest } = version;
  return {
    ...rest,
    ...(note === undefined || note === '' ? {} : { note }),
    ...(blockers === undefined || blockers.length === 0 ? {} : { blockers }),
  };
};

/** A correction's actor wrote the texts it changed; a text changed by an unknown actor has no known author. */
const authorsAfter = (before: CheckInTextAuthors | undefined, changes: Partial<CheckInFields>, actor: string | undefined): { authors?: CheckInTextAuthors } => {
  const authors: CheckInTextAuthors = { ...before };
  for (const field of ['note', 'blockers'] as const) {
    if (changes[field] === undefined) continue;
    if (actor) authors[field] = actor;
    else delete authors[field];
  }
  return Object.keys(authors).length > 0 ? { authors } : {};
};

/**
 * Folds one check-in event into the state: a correction adds a version, it never overwrites one.
 * Never throws; a correction of an unknown check-in and unknown event types leave the state as it is.
 */
export const evolveCheckIn = (state: CheckInsState, event: CheckInEvent): CheckInsState => {
  switch (event.type) {
    case 'CheckInRecorded': {
      const { checkInId, keyResultId, value, confidence, note, blockers, effectiveAt, recordedAt } = event.data;
      const actor = actorOf(event);
      const authors = actor ? { authors: { note: actor, blockers: actor } } : {};
      const version = withoutEmpty({ checkInId, value, confidence, note, blockers, effectiveAt, recordedAt, ...authors });
      return { ...state, keyResultId, checkIns: mapSet(state.checkIns, checkInId, [version]) };
    }
    case 'CheckInCorrected': {
      const { checkInId, changes, correctedAt } = event.data;
      const current = currentCheckIn(state, checkInId);
      if (current === undefined) return state;
      const { authors, ...was } = current;
      const version = withoutEmpty({ ...was, ...changes, recordedAt: correctedAt, ...authorsAfter(authors, changes, actorOf(event)) });
      return { ...state, checkIns: mapSet(state.checkIns, checkInId, [...checkInVersions(state, checkInId), version]) };
    }
    case 'MeasurementRecorded': {
      const { measurementId, keyResultId, value, measuredAt, source } = event.data;
      return { ...state, keyResultId, measurements: mapSet(state.measurements ?? emptyMap(), measurementId, { value, measuredAt, source }) };
    }
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The check-ins of a key result as an emmett-style decider, for the generic command handler. */
export const checkInDecider: Decider<CheckInsState, CheckInCommand, CheckInEvent> = {
  decide: decideCheckIn,
  evolve: evolveCheckIn,
  initialState: initialCheckInsState,
};
