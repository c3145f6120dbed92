import type { Command, Decider, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';
import { ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';

/**
 * Whether a key result is at risk, as the insights service derives it from the goals' and check-ins'
 * events (pace, confidence, stale check-ins) and publishes it on `okr.insights.v1`: one stream per key
 * result (`insight-{keyResultId}`). Only CHANGES are events: becoming at risk, a change of the set of
 * reasons while at risk, and being back on track. The same assessment twice says nothing new.
 */
export const INSIGHT_CATEGORY = 'insight';

/** `insight-{keyResultId}`. */
export const insightStreamName = (keyResultId: string): string => streamName(INSIGHT_CATEGORY, keyResultId);

/** One reason a key result is at risk: a stable code (`low-confidence`, `behind-pace`…) and a message for people. */
export interface KeyResultRiskReason {
  code: string;
  message: string;
}

/**
 * Who and what the key result belongs to, carried by every risk event so consumers need no lookup.
 * (A type, not an interface: event data must fit `Record<string, unknown>`.)
 */
export type KeyResultRiskSubject = {
  keyResultId: string;
  objectiveId: string;
  cycleId: string;
  teamId: string;
  objectiveOwnerId: string;
  keyResultOwnerId?: string;
};

export type KeyResultAtRisk = DomainEvent<
  'KeyResultAtRisk',
  KeyResultRiskSubject & {
    /** Every reason it is at risk now, at least one, codes distinct. */
    reasons: KeyResultRiskReason[];
    /**
     * The codes that were not reasons before: all of them when it just became at risk; when it was
     * at risk already, the new ones (empty when only some reasons went away).
     */
    addedReasons: string[];
    /** ISO instant of the assessment. */
    assessedAt: string;
  }
>;
export type KeyResultBackOnTrack = DomainEvent<
  'KeyResultBackOnTrack',
  KeyResultRiskSubject & {
    /** The codes it was at risk for. */
    previousReasons: string[];
    /** ISO instant of the assessment. */
    assessedAt: string;
  }
>;
export type KeyResultRiskEvent = KeyResultAtRisk | KeyResultBackOnTrack;

/**
 * The reasons the key result is at risk at `assessedAt`: none when it is not (also when its objective
 * is not active, or it was dropped: it is then simply no longer at risk).
 */
export type AssessKeyResultRisk = Command<
  'AssessKeyResultRisk',
  KeyResultRiskSubject & { reasons: KeyResultRiskReason[]; assessedAt: string }
>;
export type KeyResultRiskCommand = AssessKeyResultRisk;

/** Whether the key result is at risk, and for which reason codes (in the order they were given). */
export interface KeyResultRiskState {
  atRisk: boolean;
  codes: string[];
}

/** The state of an insight stream with no events: not at risk. */
export const initialKeyResultRiskState = (): KeyResultRiskState => ({ atRisk: false, codes: [] });

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const required = (value: unknown, code: string, field: string): string => {
  const trimmed = text(value);
  if (trimmed === '') throw ruleBroken(code, `${field} is required.`, { field });
  return trimmed;
};

/** Trimmed reasons, codes required and distinct (the first of a code is kept). */
const checkReasons = (value: unknown): KeyResultRiskReason[] => {
  if (!Array.isArray(value)) throw ruleBroken('invalid-reasons', 'reasons is a list.', { field: 'reasons' });
  const seen = new Set<string>();
  const reasons: KeyResultRiskReason[] = [];
  value.forEach((raw: unknown, index) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const code = text(item['code']);
    if (code === '') throw ruleBroken('invalid-reasons', 'Each reason has a code.', { field: 'reasons', index });
    if (seen.has(code)) return;
    seen.add(code);
    reasons.push({ code, message: text(item['message']) });
  });
  return reasons;
};

/** Same codes, whatever the order. */
const sameCodes = (a: readonly string[], b: readonly string[]): boolean => {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((code) => set.has(code));
};

const assess = (state: KeyResultRiskState, { data }: AssessKeyResultRisk): KeyResultRiskEvent[] => {
  const subject: KeyResultRiskSubject = {
    keyResultId: required(data.keyResultId, 'key-result-id-required', 'keyResultId'),
    objectiveId: required(data.objectiveId, 'objective-id-required', 'objectiveId'),
    cycleId: required(data.cycleId, 'cycle-id-required', 'cycleId'),
    teamId: required(data.teamId, 'team-id-required', 'teamId'),
    objectiveOwnerId: required(data.objectiveOwnerId, 'objective-owner-id-required', 'objectiveOwnerId'),
    ...(text(data.keyResultOwnerId) === '' ? {} : { keyResultOwnerId: text(data.keyResultOwnerId) }),
  };
  const assessedAt = required(data.assessedAt, 'assessed-at-required', 'assessedAt');
  const reasons = checkReasons(data.reasons);
  const codes = reasons.map((reason) => reason.code);

  if (codes.length === 0) {
    if (!state.atRisk) return [];
    return [{ type: 'KeyResultBackOnTrack', data: { ...subject, previousReasons: [...state.codes], assessedAt } }];
  }
  if (state.atRisk && sameCodes(codes, state.codes)) return [];
  const before = new Set(state.atRisk ? state.codes : []);
  const addedReasons = codes.filter((code) => !before.has(code));
  return [{ type: 'KeyResultAtRisk', data: { ...subject, reasons, addedReasons, assessedAt } }];
};

/**
 * Decides what an assessment means: `KeyResultAtRisk` when the key result becomes at risk or its set
 * of reason codes changes (order does not matter), `KeyResultBackOnTrack` when it was at risk and has
 * no reason left, nothing otherwise (an assessment repeated is idempotent). Throws a
 * {@link DomainError} of kind `rule-broken`: `key-result-id-required`, `objective-id-required`,
 * `cycle-id-required`, `team-id-required`, `objective-owner-id-required`, `assessed-at-required`,
 * `invalid-reasons`.
 */
export const decideKeyResultRisk = (command: KeyResultRiskCommand, state: KeyResultRiskState): KeyResultRiskEvent[] => {
  switch (command.type) {
    case 'AssessKeyResultRisk':
      return assess(state, command);
    default:
      return unhandledCommand(command.type);
  }
};

/** Folds one risk event into the state. Never throws; unknown event types leave the state as it is. */
export const evolveKeyResultRisk = (state: KeyResultRiskState, event: KeyResultRiskEvent): KeyResultRiskState => {
  switch (event.type) {
    case 'KeyResultAtRisk':
      return { atRisk: true, codes: event.data.reasons.map((reason) => reason.code) };
    case 'KeyResultBackOnTrack':
      return initialKeyResultRiskState();
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The risk of a key result as an emmett-style decider, for the generic command handler. */
export const keyResultRiskDecider: Decider<KeyResultRiskState, KeyResultRiskCommand, KeyResultRiskEvent> = {
  decide: decideKeyResultRisk,
  evolve: evolveKeyResultRisk,
  initialState: initialKeyResultRiskState,
};
