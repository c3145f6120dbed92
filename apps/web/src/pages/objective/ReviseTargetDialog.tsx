import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import type { Written } from './catch-up';
import { Field, FormDialog, ProblemMessage, formProblem, parseNumber } from './form-kit';
import { describeTarget, targetOf } from './okr-ui';
import { ifMatch, type KeyResult, type Objective } from './okr-queries';

const FIELDS = ['target', 'threshold', 'min', 'max', 'reason'];

/**
 * Revise a key result's target with a reason: the new target, threshold or range (as its kind has),
 * sent with the objective's revision as If-Match (a 409: someone changed the objective meanwhile).
 */
export function ReviseTargetDialog({
  objective,
  keyResult: kr,
  written,
  reload,
}: {
  objective: Objective;
  keyResult: KeyResult;
  written: (write: Written) => void;
  reload: () => void;
}) {
  const api = useApi();
  const range = kr.kind === 'stay-within-range';
  const threshold = kr.kind === 'stay-at-or-above' || kr.kind === 'stay-at-or-below';
  const [open, setOpen] = useState(false);
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [reason, setReason] = useState('');

  const mutation = useMutation({
    mutationFn: () => {
      const to = range
        ? { min: parseNumber(first) as number, max: parseNumber(second) as number }
        : threshold
          ? { threshold: parseNumber(first) as number }
          : { target: parseNumber(first) as number };
      return data(
        api.goals.POST('/api/v1/objectives/{id}/key-results/{krId}/target-revisions', {
          params: { path: { id: objective.id, krId: kr.id }, header: ifMatch(objective.revision) },
          body: { ...to, reason: reason.trim() },
        }),
      );
    },
    onSuccess: (answer) => {
      written({ objectiveRevision: answer.revision });
      setOpen(false);
      setFirst('');
      setSecond('');
      setReason('');
    },
  });
  const problem = formProblem(mutation.error, FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const unit = kr.unit ? ` (${kr.unit})` : '';

  return (
    <FormDialog
      trigger={`Revise the target of ${kr.title}`}
      title={`Revise the target of ${kr.title}`}
      description={`Now ${describeTarget(kr.kind, targetOf(kr), kr.unit)}. The earlier target stays in the history with your reason.`}
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) mutation.reset();
      }}
    >
      <form onSubmit={submit} noValidate>
        {range ? (
          <>
            <Field label={`Lowest${unit}`} error={problem.fields['min']}>
              {(p) => <input {...p} inputMode="decimal" value={first} onChange={(e) => setFirst(e.target.value)} />}
            </Field>
            <Field label={`Highest${unit}`} error={problem.fields['max']}>
              {(p) => <input {...p} inputMode="decimal" value={second} onChange={(e) => setSecond(e.target.value)} />}
            </Field>
          </>
        ) : (
          <Field label={`New ${threshold ? 'threshold' : 'target'}${unit}`} error={problem.fields[threshold ? 'threshold' : 'target']}>
            {(p) => <input {...p} inputMode="decimal" value={first} onChange={(e) => setFirst(e.target.value)} />}
          </Field>
        )}
        <Field label="Reason for the revision" error={problem.fields['reason']}>
          {(p) => <textarea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
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
          {mutation.isPending ? 'Saving…' : 'Revise target'}
        </button>
      </form>
    </FormDialog>
  );
}
