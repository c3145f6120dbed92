import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useCycles } from '../../api/directory';
import { Field, FormDialog, ProblemMessage, formProblem } from '../objective/form-kit';
import { ifMatch, okrKeys } from '../objective/okr-queries';
import { KEY_RESULT_FIELDS, KeyResultDraftFields, emptyKeyResult, keyResultBody, type KeyResultDraft } from './KeyResultDraftFields';

/** Which write of the sequence failed: the objective, one of its key results, or the activation. */
type Step = { at: 'objective' } | { at: 'key-result'; index: number } | { at: 'activation' };

/** How far the sequence got: retrying after a refusal goes on from there instead of setting the objective twice. */
interface Saved {
  id: string;
  revision: number;
  keyResults: number;
  activated: boolean;
}

/**
 * Set an objective for the team in a cycle, add its key results, and (by default) activate it so that
 * its check-ins count for risk: `POST /objectives`, `POST .../key-results` each, `POST .../activation`.
 */
export function NewObjectiveDialog({ teamId, teamName, cycleId }: { teamId: string; teamName: string; cycleId: string | undefined }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { data: cycles, current } = useCycles();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [cycle, setCycle] = useState<string | undefined>(undefined);
  const [keyResults, setKeyResults] = useState<KeyResultDraft[]>([emptyKeyResult()]);
  const [activate, setActivate] = useState(true);
  const [failed, setFailed] = useState<Step | null>(null);
  const saved = useRef<Saved | null>(null);
  // What the form shows of the progress (the ref is what the running sequence reads and moves).
  const [shown, setShown] = useState<Saved | null>(null);
  const chosenCycle = cycle ?? cycleId ?? current?.id ?? '';

  const mutation = useMutation({
    mutationFn: async () => {
      setFailed({ at: 'objective' });
      if (!saved.current) {
        const body = { teamId, cycleId: chosenCycle, title: title.trim(), ...(description.trim() ? { description: description.trim() } : {}) };
        const set = await data(api.goals.POST('/api/v1/objectives', { body }));
        saved.current = { id: set.id, revision: set.revision, keyResults: 0, activated: false };
        setShown({ ...saved.current });
      }
      const progress = saved.current;
      for (let index = progress.keyResults; index < keyResults.length; index++) {
        setFailed({ at: 'key-result', index });
        const added = await data(
          api.goals.POST('/api/v1/objectives/{id}/key-results', {
            params: { path: { id: progress.id }, header: ifMatch(progress.revision) },
            body: keyResultBody(keyResults[index] as KeyResultDraft),
          }),
        );
        progress.revision = added.revision;
        progress.keyResults = index + 1;
        setShown({ ...progress });
      }
      if (activate && keyResults.length > 0 && !progress.activated) {
        setFailed({ at: 'activation' });
        const activated = await data(
          api.goals.POST('/api/v1/objectives/{id}/activation', { params: { path: { id: progress.id }, header: ifMatch(progress.revision) } }),
        );
        progress.revision = activated.revision;
        progress.activated = true;
      }
      setFailed(null);
      return progress.id;
    },
    onSuccess: (id) => {
      void queryClient.invalidateQueries({ queryKey: okrKeys.dashboards });
      void queryClient.invalidateQueries({ queryKey: okrKeys.alignment });
      setOpen(false);
      void navigate(`/objectives/${id}`);
    },
  });

  const objectiveProblem = formProblem(failed?.at === 'objective' ? mutation.error : null, ['title', 'description', 'cycleId']);
  const keyResultProblem = formProblem(failed?.at === 'key-result' ? mutation.error : null, KEY_RESULT_FIELDS);
  const generalProblem = failed?.at === 'activation' ? formProblem(mutation.error, []) : failed?.at === 'key-result' ? keyResultProblem : objectiveProblem;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const savedAlready = shown !== null;

  return (
    <FormDialog
      trigger="New objective"
      title={`New objective for ${teamName}`}
      description="Set the objective, then the key results that will show it is reached."
      open={open}
      onOpenChange={setOpen}
    >
      <form onSubmit={submit} noValidate>
        <Field label="Title" error={objectiveProblem.fields['title']}>
          {(p) => <input {...p} value={title} disabled={savedAlready} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label="Description" error={objectiveProblem.fields['description']} hint="Optional: why it matters">
          {(p) => <textarea {...p} rows={3} value={description} disabled={savedAlready} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label="Cycle" error={objectiveProblem.fields['cycleId']}>
          {(p) => (
            <select {...p} value={chosenCycle} disabled={savedAlready} onChange={(e) => setCycle(e.target.value)}>
              {(cycles ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {savedAlready && <p className="hint">The objective is saved; submitting again adds the key results not added yet.</p>}
        {keyResults.map((draft, index) => (
          <KeyResultDraftFields
            key={index}
            index={index}
            draft={draft}
            errors={failed?.at === 'key-result' && failed.index === index ? keyResultProblem.fields : {}}
            added={index < (shown?.keyResults ?? 0)}
            onChange={(next) => setKeyResults(keyResults.map((d, i) => (i === index ? next : d)))}
            onRemove={() => setKeyResults(keyResults.filter((_, i) => i !== index))}
          />
        ))}
        <button type="button" onClick={() => setKeyResults([...keyResults, emptyKeyResult()])}>
          Add a key result
        </button>
        <div className="field field-inline">
          <input id="new-objective-activate" type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} />
          <label htmlFor="new-objective-activate">Activate it now (check-ins then count towards risk)</label>
        </div>
        <ProblemMessage problem={generalProblem} />
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Create objective'}
        </button>
      </form>
    </FormDialog>
  );
}
