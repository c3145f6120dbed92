import type { CheckInRecorded } from '../check-in/check-in';
import type { LearningCaptured } from '../learning/learning';
import type { ObjectiveAligned, ObjectiveGraded } from '../objective/objective.events';
import type { ObjectiveStatus } from '../objective/objective.state';
import type { EventEnvelope } from '../shared/envelope';

/**
 * Notification rules (issue 6, section 1): pure functions from events, time and context to the
 * notifications they call for, plus the delivery decision for one notification and one user's
 * preferences. No I/O, no clock: `now` always comes in as an argument.
 */

export const NOTIFICATION_RULES = [
  'check-in-reminder',
  'at-risk',
  'confidence-drop',
  'learning-captured',
  'objective-aligned',
  'objective-graded',
  'question-asked',
  'question-answered',
] as const;
export type NotificationRule = (typeof NOTIFICATION_RULES)[number];

export interface Notification {
  rule: NotificationRule;
  recipient: string;
  /** `{rule}:{triggeredBy}:{recipient}`: the exactly-once key. */
  dedupeKey: string;
  subject: string;
  body: string;
  objectiveId?: string;
  keyResultId?: string;
  /** The id of the triggering event, or the id of the missed period for a reminder. */
  triggeredBy: string;
}

export interface QuietHours {
  /** `HH:MM`, in the user's time zone. */
  start: string;
  /** `HH:MM`, in the user's time zone; earlier than `start` when the range crosses midnight. */
  end: string;
}

export interface Preferences {
  userId: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timeZone: string;
  mutedRules: string[];
  quietHours?: QuietHours;
  digest: boolean;
}

export type DeliveryPlan =
  | { action: 'send' }
  | { action: 'skip'; reason: 'muted' }
  | { action: 'delay'; until: Date }
  | { action: 'digest' };

/** Human names of what a notification is about, when the caller knows them (ids are the fallback). */
export interface Names {
  keyResult?: string;
  objective?: string;
  /** The objective aligned under another one (for `objective-aligned`, `objective` is the parent). */
  child?: string;
}

export const quoted = (title: string | undefined, fallback: string): string => (title ? `"${title}"` : fallback);

/** A confidence fall of this many points or more between two check-ins notifies. */
export const CONFIDENCE_DROP_THRESHOLD = 3;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Distinct, non-empty recipients, in first-seen order. */
export const uniqueRecipients = (candidates: readonly (string | undefined)[], exclude?: string): string[] => {
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate && candidate !== exclude) seen.add(candidate);
  }
  return [...seen];
};

export const dedupeKeyOf = (rule: NotificationRule, triggeredBy: string, recipient: string): string =>
  `${rule}:${triggeredBy}:${recipient}`;

/** One notification per recipient, each with its exactly-once key. */
export const notify = (
  rule: NotificationRule,
  triggeredBy: string,
  recipients: readonly string[],
  content: { subject: string; body: string; objectiveId?: string; keyResultId?: string },
): Notification[] =>
  recipients.map((recipient) => ({
    rule,
    recipient,
    dedupeKey: dedupeKeyOf(rule, triggeredBy, recipient),
    subject: content.subject,
    body: content.body,
    ...(content.objectiveId === undefined ? {} : { objectiveId: content.objectiveId }),
    ...(content.keyResultId === undefined ? {} : { keyResultId: content.keyResultId }),
    triggeredBy,
  }));

/** Confidence fell by {@link CONFIDENCE_DROP_THRESHOLD} points or more since the previous check-in. */
export const confidenceDrop = (
  previousConfidence: number | undefined,
  event: Pick<EventEnvelope<CheckInRecorded>, 'id' | 'data'>,
  owners: readonly (string | undefined)[],
  names: Names = {},
): Notification[] => {
  if (previousConfidence === undefined) return [];
  const { confidence, keyResultId, objectiveId } = event.data;
  const drop = previousConfidence - confidence;
  if (drop < CONFIDENCE_DROP_THRESHOLD) return [];
  return notify('confidence-drop', event.id, uniqueRecipients(owners), {
    subject: `Confidence dropped from ${previousConfidence} to ${confidence}${names.keyResult ? ` on "${names.keyResult}"` : ''}`,
    body: `Confidence in ${quoted(names.keyResult, 'a key result')} fell by ${drop} points (${previousConfidence} -> ${confidence}).${
      event.data.note ? ` Note: ${event.data.note}` : ''
    }`,
    objectiveId,
    keyResultId,
  });
};

/** A learning was captured on an objective: its owner and followers hear of it, never its author. */
export const learningCaptured = (
  event: Pick<EventEnvelope<LearningCaptured>, 'id' | 'data'>,
  objectiveOwner: string | undefined,
  followers: readonly string[],
  author: string,
  names: Names = {},
): Notification[] => {
  const { insight, result, objectiveId } = event.data;
  return notify('learning-captured', event.id, uniqueRecipients([objectiveOwner, ...followers], author), {
    subject: `New learning (${result}) on ${quoted(names.objective, 'an objective')}`,
    body: `${author} captured a learning: tried "${event.data.tried}" -> ${result}. Insight: ${insight}`,
    ...(objectiveId === undefined ? {} : { objectiveId }),
  });
};

/** Someone aligned an objective under yours (not when you did it yourself). */
export const objectiveAligned = (
  event: Pick<EventEnvelope<ObjectiveAligned>, 'id' | 'data'>,
  parentOwner: string | undefined,
  actor: string,
  names: Names = {},
): Notification[] => {
  const { parentObjectiveId } = event.data;
  return notify('objective-aligned', event.id, uniqueRecipients([parentOwner], actor), {
    subject: `An objective was aligned to ${quoted(names.objective, 'yours')}`,
    body: `${actor} aligned ${quoted(names.child, 'an objective')} to ${names.objective ? `your objective ${quoted(names.objective, '')}` : 'one of your objectives'}.`,
    objectiveId: parentObjectiveId,
  });
};

/** An objective was graded and closed: its owner and followers hear the grade. */
export const objectiveGraded = (
  event: Pick<EventEnvelope<ObjectiveGraded>, 'id' | 'data'>,
  owner: string | undefined,
  followers: readonly string[],
  names: Names = {},
): Notification[] => {
  const { objectiveId, overallGrade, retrospective } = event.data;
  const label = quoted(names.objective, 'An objective');
  return notify('objective-graded', event.id, uniqueRecipients([owner, ...followers]), {
    subject: `${label} graded ${overallGrade.toFixed(2)}`,
    body: `${label} was graded ${overallGrade.toFixed(2)} and closed. Retrospective: ${retrospective}`,
    objectiveId,
  });
};

export interface AtRiskInput {
  keyResultId: string;
  objectiveId: string;
  reasons: readonly string[];
  krOwner?: string;
  objectiveOwner?: string;
  /** The id of the "key result at risk" event. */
  triggeredBy: string;
  keyResultTitle?: string;
}

/** Reasons as one sentence: `a; b.` whether or not each ends with a full stop. */
const sentence = (reasons: readonly string[]): string =>
  reasons.length ? `${reasons.map((r) => r.trim().replace(/\.+$/, '')).join('; ')}.` : 'no reason given.';

/** A key result became at risk: its owner and the objective's owner hear why (once each). */
export const atRisk = (input: AtRiskInput): Notification[] =>
  notify('at-risk', input.triggeredBy, uniqueRecipients([input.krOwner, input.objectiveOwner]), {
    subject: `${quoted(input.keyResultTitle, 'A key result')} is at risk`,
    body: `${quoted(input.keyResultTitle, 'A key result')} is at risk: ${sentence(input.reasons)}`,
    objectiveId: input.objectiveId,
    keyResultId: input.keyResultId,
  });

export interface ReminderKeyResult {
  id: string;
  title?: string;
  objectiveId: string;
  owner?: string;
  objectiveStatus: ObjectiveStatus;
  /** ISO instant of the last check-in, if any. */
  lastCheckInAt?: string;
  /** ISO instant at which the objective was activated. */
  activatedAt: string;
}

export interface ReminderCycle {
  /** YYYY-MM-DD, inclusive. */
  startsOn: string;
  /** YYYY-MM-DD, inclusive: the cycle ends at the end of that day (UTC). */
  endsOn: string;
  cadenceDays: number;
}

const dayStartMillis = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`);

/**
 * One reminder per missed period per key result of an active objective. The period index is
 * `floor((now - max(lastCheckInAt, activatedAt, cycle start)) / cadence)`; period 0 is not missed yet.
 * The period id (key result, start of counting, index) is in the dedupe key, so calling again within
 * the same period yields the same key, and a new check-in starts counting afresh.
 */
export const checkInReminders = (
  keyResults: readonly ReminderKeyResult[],
  cycle: ReminderCycle,
  now: Date,
): Notification[] => {
  const cadenceMs = cycle.cadenceDays * DAY_MS;
  const cycleStart = dayStartMillis(cycle.startsOn);
  const cycleEnd = dayStartMillis(cycle.endsOn) + DAY_MS;
  const nowMs = now.getTime();
  if (!(cadenceMs > 0) || !Number.isFinite(cycleStart) || !Number.isFinite(cycleEnd)) return [];
  if (nowMs >= cycleEnd || nowMs < cycleStart) return [];
  return keyResults.flatMap((kr) => {
    if (kr.objectiveStatus !== 'active' || !kr.owner) return [];
    const candidates = [cycleStart, Date.parse(kr.activatedAt)];
    if (kr.lastCheckInAt !== undefined) candidates.push(Date.parse(kr.lastCheckInAt));
    const base = Math.max(...candidates.filter(Number.isFinite));
    const period = Math.floor((nowMs - base) / cadenceMs);
    if (!(period >= 1)) return [];
    const periodId = `${kr.id}@${new Date(base).toISOString()}#${period}`;
    return notify('check-in-reminder', periodId, [kr.owner], {
      subject: `Time to check in on ${quoted(kr.title, 'a key result')}`,
      body: `No check-in on ${quoted(kr.title, 'a key result')} for ${period * cycle.cadenceDays} days (cadence: every ${cycle.cadenceDays} days).`,
      objectiveId: kr.objectiveId,
      keyResultId: kr.id,
    });
  });
};

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOfHhMm = (value: string): number | undefined => {
  const match = HH_MM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
};

/** Minutes since local midnight of `instant` in `timeZone`. */
export const localMinutes = (instant: Date, timeZone: string): number => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? '0');
  return (hour % 24) * 60 + minute;
};

const isInside = (minutes: number, start: number, end: number): boolean =>
  start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;

/** The next instant at or after `now` whose local time in `timeZone` is `endMinutes`. */
const nextLocalTime = (now: Date, timeZone: string, endMinutes: number): Date => {
  const truncated = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const ahead = (endMinutes - localMinutes(new Date(truncated), timeZone) + 1440) % 1440;
  let candidate = truncated + ahead * MINUTE_MS;
  // A daylight-saving change inside the wait shifts the wall clock: correct by the difference.
  const diff = ((endMinutes - localMinutes(new Date(candidate), timeZone) + 720 + 1440) % 1440) - 720;
  candidate += diff * MINUTE_MS;
  return new Date(candidate);
};

/** What to do with one notification for one user, now. */
export const deliveryPlan = (notification: Notification, preferences: Preferences, now: Date): DeliveryPlan => {
  if (preferences.mutedRules.includes(notification.rule)) return { action: 'skip', reason: 'muted' };
  if (preferences.digest) return { action: 'digest' };
  const quiet = preferences.quietHours;
  if (quiet) {
    const start = minutesOfHhMm(quiet.start);
    const end = minutesOfHhMm(quiet.end);
    if (start !== undefined && end !== undefined && start !== end) {
      if (isInside(localMinutes(now, preferences.timeZone), start, end)) {
        return { action: 'delay', until: nextLocalTime(now, preferences.timeZone, end) };
      }
    }
  }
  return { action: 'send' };
};

export interface DigestNotification extends Omit<Notification, 'rule'> {
  rule: 'digest';
  items: Notification[];
}

/**
 * The daily digest of one recipient: one notification (`digest:{recipient}:{YYYY-MM-DD}`) listing
 * that recipient's notifications, each once. Undefined when there is nothing to tell.
 */
export const digestOf = (
  notifications: readonly Notification[],
  recipient: string,
  day: string,
): DigestNotification | undefined => {
  const seen = new Set<string>();
  const items = notifications.filter((n) => {
    if (n.recipient !== recipient || seen.has(n.dedupeKey)) return false;
    seen.add(n.dedupeKey);
    return true;
  });
  if (items.length === 0) return undefined;
  return {
    rule: 'digest',
    recipient,
    dedupeKey: `digest:${recipient}:${day}`,
    subject: `Your OKR digest for ${day}: ${items.length} update${items.length === 1 ? '' : 's'}`,
    body: items.map((n) => `- [${n.rule}] ${n.subject}`).join('\n'),
    triggeredBy: day,
    items,
  };
};
