import { Field, parseNumber } from '../objective/form-kit';
import { KIND_LABELS } from '../objective/okr-ui';

/** A key result being written in the new-objective form: the fields its kind needs, as typed. */
export interface KeyResultDraft {
  title: string;
  kind: Kind;
  start: string;
  target: string;
  threshold: string;
  min: string;
  max: string;
  unit: string;
}
type Kind = keyof typeof KIND_LABELS;

export const KEY_RESULT_FIELDS = ['title', 'kind', 'start', 'target', 'threshold', 'min', 'max', 'unit'] as const;

export const emptyKeyResult = (): KeyResultDraft => ({ title: '', kind: 'increase', start: '', target: '', threshold: '', min: '', max: '', unit: '' });

const numbers = (draft: KeyResultDraft, names: readonly ('start' | 'target' | 'threshold' | 'min' | 'max')[]) =>
  Object.fromEntries(names.map((n) => [n, parseNumber(draft[n])]).filter(([, v]) => v !== undefined)) as Record<string, number>;

/** The body of `POST /objectives/{id}/key-results`: only the numbers its kind takes (the service refuses the others). */
export function keyResultBody(draft: KeyResultDraft) {
  const unit = draft.unit.trim() ? { unit: draft.unit.trim() } : {};
  const title = draft.title.trim();
  switch (draft.kind) {
    case 'increase':
    case 'decrease':
      return { title, kind: draft.kind, ...numbers(draft, ['start', 'target']), ...unit };
    case 'stay-at-or-above':
    case 'stay-at-or-below':
      return { title, kind: draft.kind, ...numbers(draft, ['threshold', 'start']), ...unit };
    case 'stay-within-range':
      return { title, kind: draft.kind, ...numbers(draft, ['min', 'max', 'start']), ...unit };
    case 'milestone':
      return { title, kind: draft.kind };
  }
}

/** The fields of one key result; which numbers appear depends on its kind. */
export function KeyResultDraftFields({
  index,
  draft,
  errors,
  added,
  onChange,
  onRemove,
}: {
  index: number;
  draft: KeyResultDraft;
  errors: Record<string, string>;
  /** Already added to the saved objective: shown, no longer editable. */
  added: boolean;
  onChange: (draft: KeyResultDraft) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const set = (name: keyof KeyResultDraft) => (e: { target: { value: string } }) => onChange({ ...draft, [name]: e.target.value });
  const numberField = (name: 'start' | 'target' | 'threshold' | 'min' | 'max', label: string, hint?: string) => (
    <Field label={`${label} (key result ${n})`} error={errors[name]} {...(hint ? { hint } : {})}>
      {(p) => <input {...p} inputMode="decimal" value={draft[name]} onChange={set(name)} />}
    </Field>
  );
  const toTarget = draft.kind === 'increase' || draft.kind === 'decrease';
  const threshold = draft.kind === 'stay-at-or-above' || draft.kind === 'stay-at-or-below';
  return (
    <fieldset className="kr-draft" disabled={added}>
      <legend>
        Key result {n}
        {added ? ' (added)' : ''}
      </legend>
      <Field label={`Title (key result ${n})`} error={errors['title']}>
        {(p) => <input {...p} value={draft.title} onChange={set('title')} />}
      </Field>
      <Field label={`Kind (key result ${n})`} error={errors['kind']}>
        {(p) => (
          <select {...p} value={draft.kind} onChange={set('kind')}>
            {Object.entries(KIND_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {draft.kind !== 'milestone' && (
        <div className="field-row">
          {numberField('start', toTarget ? 'Start' : 'Baseline', toTarget ? undefined : 'Optional')}
          {toTarget && numberField('target', 'Target')}
          {threshold && numberField('threshold', draft.kind === 'stay-at-or-above' ? 'Floor' : 'Ceiling')}
          {draft.kind === 'stay-within-range' && (
            <>
              {numberField('min', 'Lowest')}
              {numberField('max', 'Highest')}
            </>
          )}
          <Field label={`Unit (key result ${n})`} error={errors['unit']} hint="Optional, e.g. % or signups">
            {(p) => <input {...p} value={draft.unit} onChange={set('unit')} />}
          </Field>
        </div>
      )}
      {!added && (
        <button type="button" onClick={onRemove}>
          Remove key result {n}
        </button>
      )}
    </fieldset>
  );
}
