import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import type { Written } from './catch-up';
import { Field, FormDialog, ProblemMessage, formProblem, parseNumber, today } from './form-kit';
import { ifMatch, type KeyResult, type Objective } from './okr-queries';

const FIELDS = ['value', 'confidence', 'note', 'blockers', 'effectiveAt'];

/** One blocker per line, blank lines left out. */
export const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The value field of a check-in: a number, or done / not done for a milestone. */
export function ValueField({ kr, value, onChange, error, label = 'Value' }: { kr: KeyResult; value: string; onChange: (v: string) => void; error?: string | undefined; label?: string }) {
  return (
    <Field label={kr.kind === 'milestone' ? `${label} (done or not)` : `${label}${kr.unit ? ` (${kr.unit})` : ''}`} error={error}>
      {(p) =>
        kr.kind === 'milestone' ? (
          <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choose</option>
            <option value="true">Done</option>
            <option value="false">Not done</option>
          </select>
        ) : (
          <input {...p} inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </Field>
  );
}

/** A typed value as the API takes it: true / false for a milestone, else a number (undefined when empty). */
export const valueOf = (kr: KeyResult, text: string): number | boolean | undefined =>
  kr.kind === 'milestone' ? (text === '' ? undefined : text === 'true') : parseNumber(text);

/** Check in on a key result: value, confidence 0-10, note, blockers and the day it describes. */
export function CheckInDialog({
  objective,
  keyResult: kr,
  revision,
  written,
  reload,
}: {
  objective: Objective;
  keyResult: KeyResult;
  revision: number | undefined;
  written: (write: Written) => void;
  reload: () => void;
}) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [confidence, setConfidence] = useState('');
  const [note, setNote] = useState('');
  const [blockers, setBlockers] = useState('');
  const [effectiveAt, setEffectiveAt] = useState(today);

  const mutation = useMutation({
    mutationFn: () => {
      const body = {
        value: valueOf(kr, value) as number | boolean,
        confidence: parseNumber(confidence) as number,
        effectiveAt,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(linesOf(blockers).length > 0 ? { blockers: linesOf(blockers) } : {}),
      };
      return data(api.checkIns.POST('/api/v1/key-results/{krId}/check-ins', { params: { path: { krId: kr.id }, header: ifMatch(revision) }, body }));
    },
    onSuccess: (answer) => {
      written({ keyResultId: kr.id, checkInRevision: answer.revision });
      setOpen(false);
      setValue('');
      setConfidence('');
      setNote('');
      setBlockers('');
    },
  });
  const problem = formProblem(mutation.error, FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };

  return (
    <FormDialog
      trigger={`Check in on ${kr.title}`}
      title={`Check in on ${kr.title}`}
      description={`Where ${objective.title} stands on this key result, and how confident the team is.`}
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) mutation.reset();
      }}
    >
      <form onSubmit={submit} noValidate>
        <ValueField kr={kr} value={value} onChange={setValue} error={problem.fields['value']} />
        <Field label="Confidence (0-10)" error={problem.fields['confidence']} hint="0: it will not happen; 5: could go either way; 10: certain">
          {(p) => <input {...p} type="number" min={0} max={10} step={1} value={confidence} onChange={(e) => setConfidence(e.target.value)} />}
        </Field>
        <Field label="Date it describes" error={problem.fields['effectiveAt']} hint="The day or week this check-in is about">
          {(p) => <input {...p} type="date" value={effectiveAt} onChange={(e) => setEffectiveAt(e.target.value)} />}
        </Field>
        <Field label="Note" error={problem.fields['note']}>
          {(p) => <textarea {...p} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />}
        </Field>
        <Field label="Blockers" error={problem.fields['blockers']} hint="One per line">
          {(p) => <textarea {...p} rows={2} value={blockers} onChange={(e) => setBlockers(e.target.value)} />}
        </Field>
        <ProblemMessage
          problem={problem}
          onReload={() => {
            mutation.reset();
            reload();
          }}
        />
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Check in'}
        </button>
      </form>
    </FormDialog>
  );
}
