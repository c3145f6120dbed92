import { ERASED_PERSON } from '@okr/okr-domain';
import { maskUrl } from '../http/access';
import { chatChannelOf, type PreferencesDoc } from '../store/notifications.store';
import type { SecretBox } from '../store/secret-box';

/** An opened email address, or null when there is none or its person's key was destroyed (erased). */
export const emailOf = (p: Pick<PreferencesDoc, 'email'> | null | undefined): string | null => (p?.email && p.email !== ERASED_PERSON ? p.email : null);

/**
 * What the API shows of (opened) preferences: the chat URL is a secret, only its host is shown; an
 * email address sealed under a key since destroyed shows as none.
 */
export const preferencesView = (p: PreferencesDoc, secrets: SecretBox) => {
  const chat = chatChannelOf(p);
  return {
    userId: p.userId,
    timeZone: p.timeZone,
    mutedRules: p.mutedRules,
    quietHours: p.quietHours,
    digest: p.digest,
    digestAt: p.digestAt,
    email: emailOf(p),
    chat: chat ? { format: chat.format, url: maskUrl(secrets.open(chat.url)) } : null,
    updatedAt: p.updatedAt,
  };
};
export type PreferencesView = ReturnType<typeof preferencesView>;
