import { isIsoCalendarDate } from '../cycle/cycle.decider';
import type { KeyResultKind, KeyResultValue } from '../objective/key-result';
import { ruleBroken } from '../shared/errors';
import { isEffectiveAt } from './check-in';

/**
 * The rules a check-in's value and moment must keep, whatever the command (a recording or a
 * correction). Pure: the key result's facts come in the command, the clock in its metadata.
 */

/** The cycle of the key result, as the check-ins service knows it, with the grace it allows. */
export interface CheckInWindow {
  /** YYYY-MM-DD: the cycle's first day. */
  startsOn: string;
  /** YYYY-MM-DD: the cycle's last day (inclusive). */
  endsOn: string;
  /** Days after `endsOn` that still take check-ins (the last week's numbers often come in late). */
  graceDays: number;
}

/** Default of `OKR_CHECK_IN_GRACE_DAYS`: the week after a cycle ends still takes its last numbers. */
export const DEFAULT_CHECK_IN_GRACE_DAYS = 7;
/** Largest magnitude a check-in's number may have: beyond it no measure is meant, only a typo. */
export const MAX_CHECK_IN_MAGNITUDE = 1e15;
/**
 * An instant may run this far ahead of the service's clock (a client's clock is rarely exact); a
 * calendar date may be "today" anywhere on Earth, i.e. up to 14 hours ahead of UTC.
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const EARLIEST_ZONE_MS = 14 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A number that fits the key result's kind: true / false for a milestone, a finite, sane number otherwise. */
export const checkValue = (kind: KeyResultKind, value: unknown): KeyResultValue => {
  const fits = kind === 'milestone' ? typeof value === 'boolean' : typeof value === 'number' && Number.isFinite(value);
  if (!fits) {
    const expected = kind === 'milestone' ? 'true (done) or false (not done)' : 'a finite number';
    throw ruleBroken('value-does-not-fit-kind', `A ${kind} key result takes ${expected}.`, { field: 'value', kind, value });
  }
  if (typeof value === 'number' && Math.abs(value) > MAX_CHECK_IN_MAGNITUDE) {
    throw ruleBroken('value-out-of-range', `A check-in's value is between -${MAX_CHECK_IN_MAGNITUDE} and ${MAX_CHECK_IN_MAGNITUDE}.`, {
      field: 'value',
      value,
    });
  }
  return value as KeyResultValue;
};

/** The calendar day an `effectiveAt` describes, as its writer wrote it (a date, or an instant's day in its own offset). */
const calendarDayOf = (effectiveAt: string): string => effectiveAt.slice(0, 10);

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The moment a check-in describes: a YYYY-MM-DD date or an ISO instant with a zone, not after now
 * (a date: not after today in any time zone), and, when the key result's cycle is known, on a day
 * from the cycle's first day to its last day plus the grace.
 */
export const checkEffectiveAt = (value: unknown, now: string, window: CheckInWindow | undefined): string => {
  if (!isEffectiveAt(value)) {
    throw ruleBroken('invalid-effective-at', 'effectiveAt must be a YYYY-MM-DD date or an ISO instant with a zone.', {
      field: 'effectiveAt',
      value,
    });
  }
  const nowMs = Date.parse(now);
  const inFuture = isIsoCalendarDate(value)
    ? Date.parse(`${value}T00:00:00Z`) - EARLIEST_ZONE_MS > nowMs
    : Date.parse(value) > nowMs + CLOCK_SKEW_MS;
  if (inFuture) {
    throw ruleBroken('effective-at-in-future', `A check-in describes what happened: ${value} is after today.`, {
      field: 'effectiveAt',
      value,
      today: now.slice(0, 10),
    });
  }
  if (window === undefined) return value;
  const day = calendarDayOf(value);
  if (day < window.startsOn) {
    throw ruleBroken('effective-at-before-cycle', `${day} is before the key result's cycle, which starts on ${window.startsOn}.`, {
      field: 'effectiveAt',
      value,
      startsOn: window.startsOn,
    });
  }
  const lastDay = addDays(window.endsOn, window.graceDays);
  if (day > lastDay) {
    const grace = window.graceDays === 1 ? '1 day' : `${window.graceDays} days`;
    throw ruleBroken(
      'effective-at-after-cycle',
      `${day} is after the key result's cycle, which ended on ${window.endsOn} (check-ins are taken up to ${grace} later, until ${lastDay}).`,
      { field: 'effectiveAt', value, endsOn: window.endsOn, lastDay },
    );
  }
  return value;
};
