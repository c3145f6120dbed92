import { Dialog } from 'radix-ui';
import { useId, type ReactNode } from 'react';
import { ProblemError, errorSentence } from '../../api/problem';

/**
 * What the forms of the team and objective pages share: a labelled field with its error beside it, the
 * problem of a refused write in sentences (a 409 as "someone changed this meanwhile"), and a dialog.
 */

export interface FormProblem {
  /** Messages for the fields the form shows, by field name. */
  fields: Record<string, string>;
  /** The sentences shown above the buttons, or null when the write did not fail. */
  general: string | null;
  /** Someone else wrote in between (409): reloading shows their change. */
  conflict: boolean;
}

export const CONFLICT_SENTENCE = 'Someone changed this meanwhile. Reload to see their change, then try again.';

/**
 * Splits a failed write into messages beside the fields named in `fields` (their errors[] entries,
 * `keyResultIds.0` counted as `keyResultIds`) and the sentences of everything else.
 */
export function formProblem(error: unknown, fields: readonly string[]): FormProblem {
  if (!error) return { fields: {}, general: null, conflict: false };
  if (error instanceof ProblemError && error.status === 409) return { fields: {}, general: CONFLICT_SENTENCE, conflict: true };
  const placed: Record<string, string> = {};
  const unplaced: string[] = [];
  if (error instanceof ProblemError) {
    for (const { field, message } of error.problem.errors ?? []) {
      const name = field.split('.')[0] ?? field;
      if (fields.includes(name)) placed[name] = placed[name] ? `${placed[name]} ${message}` : message;
      else unplaced.push(message);
    }
  }
  const general = [errorSentence(error), ...unplaced].join(' ');
  return { fields: placed, general, conflict: false };
}

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A label, its control (rendered by `children` with the ids it needs), a hint and the field's error. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The refusal of a write in sentences, with a reload for a conflict. */
export function ProblemMessage({ problem, onReload }: { problem: FormProblem; onReload?: () => void }) {
  if (!problem.general) return null;
  return (
    <div className="form-error" role="alert">
      <p>{problem.general}</p>
      {problem.conflict && onReload && (
        <button type="button" onClick={onReload}>
          Reload
        </button>
      )}
    </div>
  );
}

/** A labelled modal dialog opened by a button; focus moves in and back, Escape closes it. */
export function FormDialog({
  trigger,
  title,
  description,
  open,
  onOpenChange,
  children,
}: {
  trigger: string;
  title: string;
  description?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>
        <button type="button">{trigger}</button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title className="dialog-title">{title}</Dialog.Title>
          {description ? <Dialog.Description className="hint">{description}</Dialog.Description> : <Dialog.Description className="visually-hidden">{title}</Dialog.Description>}
          {children}
          <Dialog.Close asChild>
            <button type="button" className="dialog-close" aria-label="Close">
              ×
            </button>
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** A number typed by a person ("1,5" or "1.5"), or undefined for an empty field, or NaN. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return Number(trimmed.replace(',', '.'));
}

/** Today in the person's own calendar, as YYYY-MM-DD (what a check-in describes by default). */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
