import type { UseQueryResult } from '@tanstack/react-query';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Cycle } from '../../api/directory';
import { ProblemError } from '../../api/problem';
import { formatConfidence, formatDate, formatNumber } from '../../ui/format';
import { ErrorState, Loading } from '../../ui/PageState';
import { formatKeyResultValue } from './okr-ui';
import type { KeyResult, Series } from './okr-queries';

const COLORS = { value: '#0b5cad', pace: '#57606a', target: '#116329', confidence: '#8250df' };

/** A moment a check-in describes ("2026-10-12" is that day in the reader's zone) as a time axis value. */
const timeOf = (effectiveAt: string): number => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(effectiveAt) ? `${effectiveAt}T00:00:00` : effectiveAt);
const dayOf = (time: number): string => formatDate(new Date(time).toISOString());
const numeric = (value: number | boolean): number => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/**
 * The expected pace of an increase / decrease key result: a straight line from its start on the cycle's
 * first day to its target on the last. Other kinds have no pace, only a line (or two) to stay beyond.
 */
export function expectedPace(kr: KeyResult, cycle: Cycle | undefined): ((time: number) => number) | null {
  if ((kr.kind !== 'increase' && kr.kind !== 'decrease') || !cycle || kr.start === undefined || kr.target === undefined) return null;
  const from = timeOf(cycle.startsOn);
  const to = timeOf(cycle.endsOn);
  const { start, target } = kr;
  return (time) => start + (target - start) * Math.min(1, Math.max(0, (time - from) / (to - from)));
}

/** The value axis: a milestone's two states only (done, not done), else what the values and targets span. */
export function valueAxis(kr: Pick<KeyResult, 'kind' | 'unit'>): { domain: [number | 'auto', number | 'auto']; ticks?: number[]; tick: (v: number) => string } {
  if (kr.kind === 'milestone') return { domain: [0, 1], ticks: [0, 1], tick: (v) => (v >= 1 ? 'Done' : 'Not done') };
  return { domain: ['auto', 'auto'], tick: (v) => formatNumber(v) };
}

/**
 * A key result's values over time against its target and expected pace, and its confidence over time
 * (Recharts), with the same numbers as a table for screen readers and for reading exact values.
 */
export function KeyResultChart({ keyResult: kr, series, cycle }: { keyResult: KeyResult; series: UseQueryResult<Series>; cycle: Cycle | undefined }) {
  if (series.isPending) return <Loading what="Loading the chart" />;
  const unseen = series.error instanceof ProblemError && series.error.status === 404;
  if (series.isError && !unseen) return <ErrorState error={series.error} retry={() => void series.refetch()} />;
  const points = (series.data?.points ?? []).map((p) => ({ x: timeOf(p.effectiveAt), value: numeric(p.value), confidence: p.confidence, raw: p }));
  if (points.length === 0) return <p className="state state-empty">No check-ins yet: the chart starts with the first one.</p>;

  const pace = expectedPace(kr, cycle);
  const xs = [...points.map((p) => p.x), ...(cycle ? [timeOf(cycle.startsOn), timeOf(cycle.endsOn)] : [])];
  const domain: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const paceLine = pace && cycle ? [timeOf(cycle.startsOn), timeOf(cycle.endsOn)].map((x) => ({ x, pace: pace(x) })) : [];
  const targets = kr.kind === 'milestone' ? [1] : [kr.target, kr.threshold, kr.min, kr.max].filter((t): t is number => t !== undefined);
  const confidences = points.filter((p) => p.confidence !== null);
  const axis = valueAxis(kr);
  const value = (v: number) => (kr.kind === 'milestone' ? (v >= 1 ? 'Done' : 'Not done') : formatKeyResultValue(v, kr.unit));

  return (
    <figure className="kr-chart">
      <figcaption className="visually-hidden">Values of {kr.title} over time against its target and the expected pace</figcaption>
      {/* The drawing is for the eye (nothing in it takes focus); the table below carries the same numbers for everyone. */}
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 600, height: 220 }}>
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" type="number" scale="time" domain={domain} tickFormatter={dayOf} allowDuplicatedCategory={false} />
            <YAxis domain={axis.domain} {...(axis.ticks ? { ticks: axis.ticks } : {})} tickFormatter={axis.tick} width={kr.kind === 'milestone' ? 72 : 60} />
            <Tooltip labelFormatter={(x) => dayOf(Number(x))} formatter={(v) => value(Number(v))} />
            <Legend />
            {targets.map((t) => (
              <ReferenceLine key={t} y={t} stroke={COLORS.target} strokeDasharray="2 2" label={kr.kind === 'milestone' ? 'Done' : `Target ${formatNumber(t)}`} />
            ))}
            {paceLine.length > 0 && <Line data={paceLine} dataKey="pace" name="Expected pace" stroke={COLORS.pace} strokeDasharray="6 4" dot={false} isAnimationActive={false} />}
            <Line data={points} dataKey="value" name="Value" stroke={COLORS.value} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
        {confidences.length > 0 && (
          <ResponsiveContainer width="100%" height={140} initialDimension={{ width: 600, height: 140 }}>
            <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="x" type="number" scale="time" domain={domain} tickFormatter={dayOf} />
              <YAxis domain={[0, 10]} ticks={[0, 5, 10]} />
              <Tooltip labelFormatter={(x) => dayOf(Number(x))} formatter={(v) => formatConfidence(Number(v))} />
              <Legend />
              <Line data={confidences} dataKey="confidence" name="Confidence (0-10)" stroke={COLORS.confidence} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
      <details>
        <summary>The chart as a table</summary>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Check-ins of {kr.title} with the target and the expected pace</caption>
            <thead>
              <tr>
                <th scope="col">Describes</th>
                <th scope="col">Value</th>
                <th scope="col">Target then</th>
                {pace && <th scope="col">Expected by then</th>}
                <th scope="col">Confidence</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.raw.checkInId}>
                  <td>{formatDate(p.raw.effectiveAt)}</td>
                  <td>
                    {formatKeyResultValue(p.raw.value, kr.unit)}
                    {p.raw.corrections > 0 && ' (corrected)'}
                  </td>
                  <td>{targetWords(p.raw.target, kr)}</td>
                  {pace && <td>{formatKeyResultValue(pace(p.x), kr.unit)}</td>}
                  <td>{p.raw.confidence === null ? `from ${p.raw.source ?? 'a data source'}` : formatConfidence(p.raw.confidence)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function targetWords(target: Series['points'][number]['target'], kr: KeyResult): string {
  if (!target) return kr.kind === 'milestone' ? 'done' : '—';
  if ('min' in target) return `${formatNumber(target.min)} to ${formatKeyResultValue(target.max, kr.unit)}`;
  if ('threshold' in target) return formatKeyResultValue(target.threshold, kr.unit);
  return formatKeyResultValue(target.target, kr.unit);
}
