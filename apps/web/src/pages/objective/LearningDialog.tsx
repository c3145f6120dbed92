import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import type { components } from '../../api/schema/check-ins';
import type { Written } from './catch-up';
import { Field, FormDialog, ProblemMessage, formProblem } from './form-kit';
import type { Objective } from './okr-queries';

type Result = components['schemas']['CaptureLearningDto']['result'];
type Evidence = components['schemas']['EvidenceDto'];
type EvidenceKind = Evidence['kind'];

const FIELDS = ['tried', 'approach', 'result', 'insight', 'nextStep', 'keyResultIds', 'evidence', 'tags'];

export const RESULT_LABELS: Record<Result, string> = {
  validated: 'Validated: it worked as we thought',
  invalidated: 'Invalidated: it did not, and now we know',
  inconclusive: 'Inconclusive: we cannot tell yet',
};

const EVIDENCE_LABELS: Record<EvidenceKind, string> = {
  'customer-interview': 'Customer interview',
  'usage-data': 'Usage data',
  'analytics-view': 'Analytics view',
  survey: 'Survey',
  'support-tickets': 'Support tickets',
  'crm-record': 'CRM record',
  other: 'Other',
};

const noEvidence = (): Evidence => ({ kind: 'customer-interview', summary: '' });

/** Capture a learning on this objective: what was tried, the result, what was learned, the next step, the evidence. */
export function LearningDialog({ objective, written }: { objective: Objective; written: (write: Written) => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [tried, setTried] = useState('');
  const [result, setResult] = useState<Result | ''>('');
  const [insight, setInsight] = useState('');
  const [nextStep, setNextStep] = useState('');
  const [keyResultIds, setKeyResultIds] = useState<string[]>([]);
  const [evidence, setEvidence] = useState<Evidence[]>([]);
  const [tags, setTags] = useState('');

  const mutation = useMutation({
    mutationFn: () => {
      const tagList = tags.split(',').map((t) => t.trim()).filter(Boolean);
      const body = {
        objectiveId: objective.id,
        tried: tried.trim(),
        result: result as Result,
        insight: insight.trim(),
        ...(nextStep.trim() ? { nextStep: nextStep.trim() } : {}),
        ...(keyResultIds.length ? { keyResultIds } : {}),
        ...(evidence.length ? { evidence: evidence.map((e) => ({ kind: e.kind, summary: e.summary.trim(), ...(e.link?.trim() ? { link: e.link.trim() } : {}) })) } : {}),
        ...(tagList.length ? { tags: tagList } : {}),
      };
      return data(api.checkIns.POST('/api/v1/learnings', { body }));
    },
    onSuccess: (answer) => {
      written({ learningId: answer.id });
      setOpen(false);
      setTried('');
      setResult('');
      setInsight('');
      setNextStep('');
      setKeyResultIds([]);
      setEvidence([]);
      setTags('');
    },
  });
  const problem = formProblem(mutation.error, FIELDS);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const setEvidenceAt = (index: number, change: Partial<Evidence>) => setEvidence(evidence.map((e, i) => (i === index ? { ...e, ...change } : e)));
  const activeKeyResults = objective.keyResults.filter((kr) => kr.status === 'active');

  return (
    <FormDialog
      trigger="Capture a learning"
      title={`Capture a learning on ${objective.title}`}
      description="An invalidated hypothesis is a learning too: say what was tried and what it taught."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) mutation.reset();
      }}
    >
      <form onSubmit={submit} noValidate>
        <Field label="What was tried" error={problem.fields['tried']} hint="The hypothesis or experiment">
          {(p) => <textarea {...p} rows={2} value={tried} onChange={(e) => setTried(e.target.value)} />}
        </Field>
        <fieldset className="choices" aria-describedby={problem.fields['result'] ? 'learning-result-error' : undefined}>
          <legend>Result</legend>
          {(Object.keys(RESULT_LABELS) as Result[]).map((r) => (
            <label key={r} className="choice">
              <input type="radio" name="learning-result" value={r} checked={result === r} onChange={() => setResult(r)} /> {RESULT_LABELS[r]}
            </label>
          ))}
          {problem.fields['result'] && (
            <p className="field-error" id="learning-result-error">
              {problem.fields['result']}
            </p>
          )}
        </fieldset>
        <Field label="What was learned" error={problem.fields['insight']}>
          {(p) => <textarea {...p} rows={2} value={insight} onChange={(e) => setInsight(e.target.value)} />}
        </Field>
        <Field label="Next step" error={problem.fields['nextStep']} hint="Optional">
          {(p) => <textarea {...p} rows={2} value={nextStep} onChange={(e) => setNextStep(e.target.value)} />}
        </Field>
        {activeKeyResults.length > 0 && (
          <fieldset className="choices">
            <legend>Key results it is about</legend>
            {activeKeyResults.map((kr) => (
              <label key={kr.id} className="choice">
                <input
                  type="checkbox"
                  checked={keyResultIds.includes(kr.id)}
                  onChange={(e) => setKeyResultIds(e.target.checked ? [...keyResultIds, kr.id] : keyResultIds.filter((id) => id !== kr.id))}
                />{' '}
                {kr.title}
              </label>
            ))}
            {problem.fields['keyResultIds'] && <p className="field-error">{problem.fields['keyResultIds']}</p>}
          </fieldset>
        )}
        <fieldset className="choices">
          <legend>Evidence</legend>
          {evidence.map((e, i) => (
            <div key={i} className="field-row">
              <Field label={`Kind (evidence ${i + 1})`}>
                {(p) => (
                  <select {...p} value={e.kind} onChange={(ev) => setEvidenceAt(i, { kind: ev.target.value as EvidenceKind })}>
                    {Object.entries(EVIDENCE_LABELS).map(([kind, label]) => (
                      <option key={kind} value={kind}>
                        {label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={`What it shows (evidence ${i + 1})`}>
                {(p) => <input {...p} value={e.summary} onChange={(ev) => setEvidenceAt(i, { summary: ev.target.value })} />}
              </Field>
              <Field label={`Link (evidence ${i + 1})`} hint="Optional">
                {(p) => <input {...p} type="url" value={e.link ?? ''} onChange={(ev) => setEvidenceAt(i, { link: ev.target.value })} />}
              </Field>
            </div>
          ))}
          {problem.fields['evidence'] && <p className="field-error">{problem.fields['evidence']}</p>}
          <button type="button" onClick={() => setEvidence([...evidence, noEvidence()])}>
            Add evidence
          </button>
        </fieldset>
        <Field label="Tags" error={problem.fields['tags']} hint="Optional, separated by commas">
          {(p) => <input {...p} value={tags} onChange={(e) => setTags(e.target.value)} />}
        </Field>
        <ProblemMessage problem={problem} />
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Capture learning'}
        </button>
      </form>
    </FormDialog>
  );
}
