import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { ProblemError } from '../../api/problem';
import type { components } from '../../api/schema/notifications';
import { ErrorState, QueryView } from '../../ui/PageState';
import { NOTIFICATION_RULES, RULE_LABELS, type NotificationRule } from './notification-words';

type PreferencesView = components['schemas']['PreferencesViewDto'];
type PreferencesBody = components['schemas']['PreferencesDto'];
const PREFERENCES = ['notifications', 'preferences'] as const;

/** The person's notification preferences: quiet hours, the daily digest, muted rules, time zone and email. */
export function PreferencesTab() {
  const api = useApi();
  const query = useQuery({ queryKey: PREFERENCES, queryFn: () => data(api.notifications.GET('/api/v1/preferences')) });
  return <QueryView query={query} loading="Loading your preferences">{(prefs) => <PreferencesForm prefs={prefs} />}</QueryView>;
}

/**
 * The body of `PUT /preferences` from the form. PUT replaces every field, so the email is sent back as it
 * was (the chat channel is left out: omitted means unchanged, and its URL is never shown to be sent back).
 */
export function preferencesBody(form: FormState, prefs: PreferencesView): PreferencesBody {
  return {
    timeZone: form.timeZone.trim(),
    mutedRules: [...form.mutedRules],
    quietHours: form.quiet ? { start: form.quietStart, end: form.quietEnd } : null,
    digest: form.digest,
    digestAt: form.digestAt,
    // The generated type of `email` is wrong (an empty object: the document's schema has no type for it); it is a string.
    email: prefs.email as unknown as PreferencesBody['email'],
  };
}

interface FormState {
  timeZone: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  digest: boolean;
  digestAt: string;
  mutedRules: NotificationRule[];
}

const initialState = (p: PreferencesView): FormState => ({
  timeZone: p.timeZone,
  quiet: p.quietHours !== null,
  quietStart: p.quietHours?.start ?? '22:00',
  quietEnd: p.quietHours?.end ?? '07:00',
  digest: p.digest,
  digestAt: p.digestAt,
  mutedRules: [...p.mutedRules],
});

/** Messages of a field and of the fields inside it (`quietHours` holds `quietHours.start`). */
const messagesOf = (errors: Record<string, string>, field: string) =>
  Object.entries(errors)
    .filter(([f]) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`))
    .map(([, m]) => m)
    .join(' ');

function PreferencesForm({ prefs }: { prefs: PreferencesView }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const [form, setForm] = useState(() => initialState(prefs));
  const save = useMutation({
    mutationFn: (body: PreferencesBody) => data(api.notifications.PUT('/api/v1/preferences', { body })),
    onSuccess: (saved) => client.setQueryData(PREFERENCES, saved),
  });
  const errors = save.error instanceof ProblemError ? save.error.fieldErrors() : {};
  const hasFieldErrors = Object.keys(errors).length > 0;
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const toggleRule = (rule: NotificationRule, muted: boolean) =>
    set({ mutedRules: muted ? [...form.mutedRules, rule] : form.mutedRules.filter((r) => r !== rule) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(preferencesBody(form, prefs));
  };
  const field = (name: string, label: string, input: ReactNode, hint?: string) => {
    const message = messagesOf(errors, name);
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        {input}
        {hint && <p className="hint">{hint}</p>}
        {message && (
          <p className="field-error" id={`${id}-${name}-error`}>
            {message}
          </p>
        )}
      </div>
    );
  };
  const described = (name: string) => (messagesOf(errors, name) ? { 'aria-invalid': true, 'aria-describedby': `${id}-${name}-error` } : {});

  return (
    <form className="preferences" onSubmit={submit} noValidate aria-label="Notification preferences">
      {save.isError && !hasFieldErrors && <ErrorState error={save.error} />}
      {save.isError && hasFieldErrors && (
        <p className="form-error" role="alert">
          Some preferences need another look: see the messages beside them.
        </p>
      )}
      {field('timeZone', 'Time zone', <input id={`${id}-timeZone`} value={form.timeZone} onChange={(e) => set({ timeZone: e.target.value })} {...described('timeZone')} />, 'Quiet hours and the digest follow it, e.g. Europe/Paris.')}
      <fieldset>
        <legend>Quiet hours</legend>
        <label className="check">
          <input type="checkbox" checked={form.quiet} onChange={(e) => set({ quiet: e.target.checked })} /> Hold email and chat messages during quiet hours
        </label>
        {form.quiet && (
          <div className="field-row">
            {field('quietHours.start', 'From', <input id={`${id}-quietHours.start`} type="time" value={form.quietStart} onChange={(e) => set({ quietStart: e.target.value })} {...described('quietHours.start')} />)}
            {field('quietHours.end', 'Until', <input id={`${id}-quietHours.end`} type="time" value={form.quietEnd} onChange={(e) => set({ quietEnd: e.target.value })} {...described('quietHours.end')} />)}
          </div>
        )}
        {messagesOf(errors, 'quietHours') && !messagesOf(errors, 'quietHours.start') && !messagesOf(errors, 'quietHours.end') && <p className="field-error">{messagesOf(errors, 'quietHours')}</p>}
      </fieldset>
      <fieldset>
        <legend>Daily digest</legend>
        <label className="check">
          <input type="checkbox" checked={form.digest} onChange={(e) => set({ digest: e.target.checked })} /> One daily digest instead of single email and chat messages
        </label>
        {messagesOf(errors, 'digest') && <p className="field-error">{messagesOf(errors, 'digest')}</p>}
        {form.digest && field('digestAt', 'Digest time', <input id={`${id}-digestAt`} type="time" value={form.digestAt} onChange={(e) => set({ digestAt: e.target.value })} {...described('digestAt')} />)}
      </fieldset>
      <fieldset>
        <legend>Muted notifications</legend>
        <p className="hint">Muted rules send you nothing, in the app or elsewhere.</p>
        {NOTIFICATION_RULES.map((rule) => (
          <label key={rule} className="check">
            <input type="checkbox" checked={form.mutedRules.includes(rule)} onChange={(e) => toggleRule(rule, e.target.checked)} /> Mute {RULE_LABELS[rule].toLowerCase()}
          </label>
        ))}
        {messagesOf(errors, 'mutedRules') && <p className="field-error">{messagesOf(errors, 'mutedRules')}</p>}
      </fieldset>
      <p>
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save preferences'}
        </button>
        {save.isSuccess && (
          <span role="status" className="saved">
            {' '}
            Preferences saved.
          </span>
        )}
      </p>
    </form>
  );
}
