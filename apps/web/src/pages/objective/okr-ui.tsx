import { formatConfidence, formatNumber, formatPercent, formatValue } from '../../ui/format';
import type { AtRiskItem, KeyResult, Summary } from './okr-queries';

/** Pieces both the team page and the objective page show: progress, confidence and its trend, risk, status. */

type Standing = Summary['standing'];
type Kind = 'increase' | 'decrease' | 'stay-at-or-above' | 'stay-at-or-below' | 'stay-within-range' | 'milestone';
type Target = { target: number } | { threshold: number } | { min: number; max: number } | null | undefined;

const STANDING_LABELS: Record<Standing, string> = {
  draft: 'Draft',
  active: 'Active',
  'ended-not-graded': 'Ended, not graded',
  'carried-over': 'Carried over',
  graded: 'Graded',
  archived: 'Archived',
  unknown: 'Being set up',
};

export const standingLabel = (standing: Standing | 'closed'): string => (standing === 'closed' ? 'Graded' : STANDING_LABELS[standing]);

export const KIND_LABELS: Record<Kind, string> = {
  increase: 'Increase to a target',
  decrease: 'Decrease to a target',
  'stay-at-or-above': 'Stay at or above (floor)',
  'stay-at-or-below': 'Stay at or below (ceiling)',
  'stay-within-range': 'Stay within a range',
  milestone: 'Milestone (done or not)',
};

/** A checked-in value for people: a number with its unit, or done / not done for a milestone. */
export function formatKeyResultValue(value: number | boolean | null | undefined, unit?: string | null): string {
  if (typeof value === 'boolean') return value ? 'Done' : 'Not done';
  return formatValue(value, unit);
}

/** What the key result aims at, in words ("40 %", "at or above 40 NPS", "between 95 and 99 ms", "done"). */
export function describeTarget(kind: Kind | null | undefined, target: Target, unit?: string | null): string {
  if (kind === 'milestone') return 'done';
  if (!target) return '—';
  if ('min' in target) return `between ${formatNumber(target.min)} and ${formatValue(target.max, unit)}`;
  if ('threshold' in target) return `${kind === 'stay-at-or-below' ? 'at or below' : 'at or above'} ${formatValue(target.threshold, unit)}`;
  return formatValue(target.target, unit);
}

/** The numbers a key result aims at, from goals' flat fields. */
export function targetOf(kr: Pick<KeyResult, 'target' | 'threshold' | 'min' | 'max'>): { target: number } | { threshold: number } | { min: number; max: number } | null {
  if (kr.target !== undefined) return { target: kr.target };
  if (kr.threshold !== undefined) return { threshold: kr.threshold };
  if (kr.min !== undefined && kr.max !== undefined) return { min: kr.min, max: kr.max };
  return null;
}

export function ProgressBar({ progress, label }: { progress: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  return (
    <span className="okr-progress">
      <progress max={100} value={percent} aria-label={label} />
      <span className="progress-text">{formatPercent(progress)}</span>
    </span>
  );
}

export type Trend = 'up' | 'down' | 'flat' | null;

/** The latest confidence against the one before it (oldest first), or null with fewer than two. */
export function confidenceTrend(recent: readonly number[] | undefined): { trend: Trend; previous: number | null } {
  if (!recent || recent.length < 2) return { trend: null, previous: null };
  const last = recent[recent.length - 1] as number;
  const previous = recent[recent.length - 2] as number;
  return { trend: last > previous ? 'up' : last < previous ? 'down' : 'flat', previous };
}

const ARROWS: Record<Exclude<Trend, null>, string> = { up: '↑', down: '↓', flat: '→' };

/** "6 / 10 ↑" with the trend in words for screen readers ("up from 4 at the previous check-in"). */
export function Confidence({ value, recent }: { value: number | null | undefined; recent?: readonly number[] }) {
  const { trend, previous } = confidenceTrend(recent);
  if (value === null || value === undefined) return <span className="confidence">No confidence given yet</span>;
  return (
    <span className={`confidence${value <= 4 ? ' confidence-low' : ''}`}>
      {formatConfidence(value)}
      {trend && (
        <>
          {' '}
          <span aria-hidden="true" className={`trend trend-${trend}`}>
            {ARROWS[trend]}
          </span>
          <span className="visually-hidden">
            {trend === 'flat' ? ', unchanged since the previous check-in' : `, ${trend} from ${formatNumber(previous, 1)} at the previous check-in`}
          </span>
        </>
      )}
    </span>
  );
}

/** The at-risk badge with every reason in words; nothing when not at risk. */
export function RiskBadge({ reasons, atRisk }: { reasons: AtRiskItem['reasons'] | undefined; atRisk?: boolean }) {
  if (!reasons?.length && !atRisk) return null;
  return (
    <div className="risk">
      <span className="badge badge-risk">At risk</span>
      {reasons && reasons.length > 0 && (
        <ul className="reasons" aria-label="Why it is at risk">
          {reasons.map((r) => (
            <li key={r.code}>{r.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
