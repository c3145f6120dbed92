import { useId } from 'react';
import { useCycles } from '../api/directory';
import { formatDate } from './format';

/**
 * The cycle a page shows, as a native select (accessible and usable on a phone). `value` undefined means
 * "the current cycle"; the page keeps the chosen id in its URL.
 */
export function CyclePicker({ value, onChange }: { value: string | undefined; onChange: (cycleId: string) => void }) {
  const id = useId();
  const { data: cycles, current, isPending } = useCycles();
  const selected = value ?? current?.id ?? '';
  return (
    <div className="field field-inline">
      <label htmlFor={id}>Cycle</label>
      <select id={id} value={selected} disabled={isPending} onChange={(e) => onChange(e.target.value)}>
        {(cycles ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({formatDate(c.startsOn)} – {formatDate(c.endsOn)}
            {c.status === 'active' ? ', current' : ''})
          </option>
        ))}
      </select>
    </div>
  );
}
