/** Numbers and dates for people: the browser's locale and time zone, no floating-point noise. */

const locale = () => (typeof navigator !== 'undefined' && navigator.language) || 'en';

export function formatNumber(value: number | null | undefined, maximumFractionDigits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(value);
}

/** A ratio (0.8) as a percentage ("80 %" in the locale's style). */
export function formatPercent(ratio: number | null | undefined, maximumFractionDigits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits }).format(ratio);
}

/** A value with its unit, when the unit is a symbol or a word ("42 %", "1,200 signups"). */
export function formatValue(value: number | null | undefined, unit?: string | null): string {
  const n = formatNumber(value);
  if (!unit || n === '—') return n;
  return unit === '%' ? `${n} %` : `${n} ${unit}`;
}

/** A calendar date ("2026-10-01" or an ISO instant) as the reader writes dates. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(date);
}

/** An instant in the reader's time zone, to the minute. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Confidence on the 0-10 scale the teams use. */
export function formatConfidence(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${formatNumber(value, 1)} / 10`;
}
