import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { formatDate } from '../../ui/format';
import type { Written } from './catch-up';
import { ValueField, linesOf, valueOf } from './CheckInDialog';
import { Field, FormDialog, ProblemMessage, formProblem, parseNumber } from './form-kit';
import { ifMatch, type CheckIn, type KeyResult, type Objective } from './okr-queries';

const FIELDS = ['value', 'confidence', 'note', 'blockers', 'effectiveAt', 'reason'];

/**
 * Correct a check-in with a reason: the form starts from the check-in as it stands and sends only what
 * changed (the original stays in the record; the correction is a new fact).
 */
export function CorrectCheckInDialog({
  objective,
  keyResult: kr,
  checkIn,
  revision,
  written,
  reload,
}: {
  objective: Objective;
  keyResult: KeyResult;
  checkIn: CheckIn;
  revision: number | undefined;
  written: (write: Written) => void;
  reload: () => void;
}) {
  const api = useApi();
  const initial = {
    value: String(checkIn.value),
    confidence: checkIn.confidence === undefined ? '' : String(checkIn.confidence),
    note: checkIn.note ?? '',
    blockers: (checkIn.blockers ?? []).join('\n'),
    effectiveAt: checkIn.effectiveAt,
  };
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(initial);
  const [reason, setReason] = useState('');
  const set = (name: keyof typeof initial) => (v: string) => setForm((f) => ({ ...f, [name]: v }));

  const mutation = useMutation({
    mutationFn: () => {
      const changes = {
        ...(form.value !== initial.value ? { value: valueOf(kr, form.value) as number | boolean } : {}),
        ...(form.confidence !== initial.confidence ? { confidence: parseNumber(form.confidence) as number } : {}),
        ...(form.note !== initial.note ? { note: form.note.trim() } : {}),
        ...(form.blockers !== initial.blockers ? { blockers: linesOf(form.blockers) } : {}),
        ...(form.effectiveAt !== initial.effectiveAt ? { effectiveAt: form.effectiveAt } : {}),
      };
      return data(
        api.checkIns.POST('/api/v1/check-ins/{id}/corrections', {
          params: { path: { id: checkIn.id }, header: ifMatch(revision) },
          body: { ...changes, reason: reason.trim() },
        }),
      );
    },
    onSuccess: (answer) => {
      written({ keyResultId: kr.id, checkInRevision: answer.revision });
      setOpen(false);
      setReason('');
    },
  });
  const problem = formProblem(mutation.error, FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const day = formatDate(checkIn.effectiveAt);

  return (
    <FormDialog
      trigger={`Correct the check-in of ${day}`}
      title={`Correct the check-in of ${day} on ${kr.title}`}
      description={`${objective.title}: change what was wrong and say why; the original stays in the record.`}
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setForm(initial);
        else mutation.reset();
      }}
    >
      <form onSubmit={submit} noValidate>
        <ValueField kr={kr} value={form.value} onChange={set('value')} error={problem.fields['value']} />
        <Field label="Confidence (0-10)" error={problem.fields['confidence']}>
          {(p) => <input {...p} type="number" min={0} max={10} step={1} value={form.confidence} onChange={(e) => set('confidence')(e.target.value)} />}
        </Field>
        <Field label="Date it describes" error={problem.fields['effectiveAt']}>
          {(p) => <input {...p} value={form.effectiveAt} onChange={(e) => set('effectiveAt')(e.target.value)} />}
        </Field>
        <Field label="Note" error={problem.fields['note']}>
          {(p) => <textarea {...p} rows={2} value={form.note} onChange={(e) => set('note')(e.target.value)} />}
        </Field>
        <Field label="Blockers" error={problem.fields['blockers']} hint="One per line">
          {(p) => <textarea {...p} rows={2} value={form.blockers} onChange={(e) => set('blockers')(e.target.value)} />}
        </Field>
        <Field label="Reason for the correction" error={problem.fields['reason']}>
          {(p) => <textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <ProblemMessage
          problem={problem}
          onReload={() => {
            mutation.reset();
            setOpen(false);
            reload();
          }}
        />
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Correct'}
        </button>
      </form>
    </FormDialog>
  );
}
