import { maskUrl } from '../http/access';
import { chatChannelOf, type PreferencesDoc } from '../store/notifications.store';
import type { SecretBox } from '../store/secret-box';

/** What the API shows of preferences: the chat URL is a secret, only its host is shown. */
export const preferencesView = (p: PreferencesDoc, secrets: SecretBox) => {
  const chat = chatChannelOf(p);
  return {
    userId: p.userId,
    timeZone: p.timeZone,
    mutedRules: p.mutedRules,
    quietHours: p.quietHours,
    digest: p.digest,
    digestAt: p.digestAt,
    email: p.email,
    chat: chat ? { format: chat.format, url: maskUrl(secrets.open(chat.url)) } : null,
    updatedAt: p.updatedAt,
  };
};
export type PreferencesView = ReturnType<typeof preferencesView>;
