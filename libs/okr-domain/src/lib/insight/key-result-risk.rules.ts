import type { KeyResultMeasure, KeyResultValue } from '../objective/key-result';
import { numberForPeople, percentForPeople } from '../shared/numbers';
import type { KeyResultRiskReason } from './key-result-risk';

/**
 * What puts a key result at risk because of its kind, as each kind means it (pure; the clock comes
 * in as `now`):
 * - `stay-at-or-above` / `stay-at-or-below` / `stay-within-range`: the latest value breaks the floor,
 *   the ceiling or the range (`below-floor`, `above-ceiling`, `outside-range`): at risk at once,
 *   whatever the time. A constraint to keep has no pace.
 * - `increase` / `decrease` (`behind-pace`): the straight line from when the key result's work began
 *   (the latest of the cycle's start, the objective's activation and the key result's addition) to
 *   the end of the cycle says how far it should be by now; it is behind when it falls short by more
 *   than `paceMargin`. Not judged during the first `paceGraceDays` of that line: a key result added
 *   late in a cycle is not behind on its first day.
 * - `milestone` (`milestone-not-done`): not done while the end of the cycle is `milestoneWarningDays`
 *   away or less.
 */

/** A key result as the risk rules need it. */
export interface KeyResultRiskFacts {
  title: string;
  measure: KeyResultMeasure | null;
  /** Latest value; null before the first check-in. */
  value: KeyResultValue | null;
  /** 0..1, from the measure and the latest value. */
  progress: number;
  /** ISO instant the key result was added; null when unknown (older read models): activation counts. */
  addedAt?: string | null;
}

/** The dates of the key result's cycle (YYYY-MM-DD; `endsOn` inclusive). */
export interface RiskCycleDates {
  startsOn: string;
  endsOn: string;
}

export interface KindRiskOptions {
  /** Allowed shortfall against the straight line, as a share (0.2 = 20 percentage points). */
  paceMargin: number;
  /** Days after the work began during which pace is not judged. */
  paceGraceDays: number;
  /** A milestone not done is at risk from this many days before the cycle's end. */
  milestoneWarningDays: number;
}

export const DEFAULT_PACE_MARGIN = 0.2;
export const DEFAULT_PACE_GRACE_DAYS = 14;
export const DEFAULT_MILESTONE_WARNING_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Floating-point slack so that "exactly on the margin" stays on it (0.5 - 0.3 is not exactly 0.2). */
const EPSILON = 1e-9;

const dayStart = (date: string): number => Date.parse(`${date}T00:00:00Z`);
/** The end of a cycle: the end of its last day. */
export const cycleEndMillis = (cycle: RiskCycleDates): number => dayStart(cycle.endsOn) + DAY_MS;

const days = (ms: number): string => {
  const d = Math.ceil(ms / DAY_MS - EPSILON);
  return d === 1 ? '1 day' : `${d} days`;
};

/** `38`, `99.5%`, `300 ms`: a number as people read it, with its unit. */
export const valueForPeople = (value: number, unit: string | undefined): string => {
  const n = numberForPeople(value);
  if (unit === undefined || unit === '') return n;
  return unit === '%' ? `${n}%` : `${n} ${unit}`;
};

/** The reason a breached floor, ceiling or range gives, or undefined when it holds (or nothing is known). */
const thresholdBreach = (kr: KeyResultRiskFacts): KeyResultRiskReason | undefined => {
  const { measure, value } = kr;
  if (measure === null || typeof value !== 'number') return undefined;
  const unit = measure.kind === 'milestone' ? undefined : measure.unit;
  const said = `${kr.title} ${valueForPeople(value, unit)}`;
  switch (measure.kind) {
    case 'stay-at-or-above':
      return value < measure.threshold
        ? { code: 'below-floor', message: `${said} is below its floor of ${valueForPeople(measure.threshold, unit)}.` }
        : undefined;
    case 'stay-at-or-below':
      return value > measure.threshold
        ? { code: 'above-ceiling', message: `${said} is above its ceiling of ${valueForPeople(measure.threshold, unit)}.` }
        : undefined;
    case 'stay-within-range':
      return value < measure.min || value > measure.max
        ? {
            code: 'outside-range',
            message: `${said} is outside its range of ${valueForPeople(measure.min, unit)} to ${valueForPeople(measure.max, unit)}.`,
          }
        : undefined;
    default:
      return undefined;
  }
};

/** When the key result's work began: the latest of the cycle's start, the activation and its addition. */
export const paceStartMillis = (kr: KeyResultRiskFacts, activatedAt: string | null, cycle: RiskCycleDates): number =>
  Math.max(
    dayStart(cycle.startsOn),
    activatedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(activatedAt),
    kr.addedAt === null || kr.addedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(kr.addedAt),
  );

/** Share (0..1) of the way from when the work began to the cycle's end that has elapsed at `now`. */
export const expectedPaceOf = (kr: KeyResultRiskFacts, activatedAt: string | null, cycle: RiskCycleDates, now: Date): number => {
  const start = paceStartMillis(kr, activatedAt, cycle);
  const end = cycleEndMillis(cycle);
  if (!(end > start)) return 1;
  return Math.min(1, Math.max(0, (now.getTime() - start) / (end - start)));
};

const behindPace = (
  kr: KeyResultRiskFacts,
  activatedAt: string | null,
  cycle: RiskCycleDates,
  now: Date,
  options: KindRiskOptions,
): KeyResultRiskReason | undefined => {
  const start = paceStartMillis(kr, activatedAt, cycle);
  if (now.getTime() < start + options.paceGraceDays * DAY_MS) return undefined;
  const expected = expectedPaceOf(kr, activatedAt, cycle, now);
  const shortfall = expected - kr.progress;
  if (!(shortfall > options.paceMargin + EPSILON)) return undefined;
  const since = new Date(start).toISOString().slice(0, 10);
  return {
    code: 'behind-pace',
    message:
      `Progress ${percentForPeople(kr.progress)} is ${Math.round(shortfall * 100)} points behind the ${percentForPeople(expected)} ` +
      `expected by now on a straight line from ${since} to the cycle's end on ${cycle.endsOn} ` +
      `(allowed margin: ${Math.round(options.paceMargin * 100)} points).`,
  };
};

const milestoneNotDone = (kr: KeyResultRiskFacts, cycle: RiskCycleDates, now: Date, options: KindRiskOptions): KeyResultRiskReason | undefined => {
  if (kr.value === true) return undefined;
  const left = cycleEndMillis(cycle) - now.getTime();
  if (left > options.milestoneWarningDays * DAY_MS) return undefined;
  const when = left > 0 ? `the cycle ends in ${days(left)} (on ${cycle.endsOn})` : `the cycle ended on ${cycle.endsOn}`;
  return { code: 'milestone-not-done', message: `${kr.title} is not done, and ${when}.` };
};

/**
 * The reasons a key result is at risk because of its kind (see above); empty when it is not.
 * `cycle` undefined (not known yet): only a breached floor, ceiling or range can be judged.
 */
export const kindRiskReasons = (
  kr: KeyResultRiskFacts,
  activatedAt: string | null,
  cycle: RiskCycleDates | undefined,
  now: Date,
  options: KindRiskOptions,
): KeyResultRiskReason[] => {
  const breach = thresholdBreach(kr);
  if (breach !== undefined) return [breach];
  if (cycle === undefined || kr.measure === null) return [];
  if (now.getTime() < dayStart(cycle.startsOn)) return [];
  switch (kr.measure.kind) {
    case 'increase':
    case 'decrease': {
      const reason = behindPace(kr, activatedAt, cycle, now, options);
      return reason === undefined ? [] : [reason];
    }
    case 'milestone': {
      const reason = milestoneNotDone(kr, cycle, now, options);
      return reason === undefined ? [] : [reason];
    }
    default:
      return [];
  }
};
