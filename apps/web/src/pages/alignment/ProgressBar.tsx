import { Progress } from 'radix-ui';
import { formatPercent } from '../../ui/format';

/**
 * A progress ratio (0..1) as a bar with its percentage beside it; `null` (nothing measured yet) shows a
 * dash and an empty bar. The bar carries the accessible name, so a screen reader hears "Progress of X, 40 %".
 */
export function ProgressBar({ ratio, label }: { ratio: number | null; label: string }) {
  const percent = ratio === null ? null : Math.round(Math.min(1, Math.max(0, ratio)) * 100);
  return (
    <span className="progress">
      <Progress.Root
        className="progress-bar"
        value={percent}
        max={100}
        aria-label={label}
        aria-valuetext={percent === null ? 'not measured yet' : formatPercent(ratio)}
      >
        <Progress.Indicator className="progress-fill" style={{ transform: `translateX(-${100 - (percent ?? 0)}%)` }} />
      </Progress.Root>
      <span className="progress-value" aria-hidden="true">
        {formatPercent(ratio)}
      </span>
    </span>
  );
}
