import { randomBytes } from 'node:crypto';
import { maskUrl, notFound } from '../http/access';
import type { NotificationsStore, WebhookDoc } from '../store/notifications.store';
import type { SecretBox } from '../store/secret-box';

/** A signing secret: 32 random bytes, shown once. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * What the API shows of a webhook after its creation: never the secret; a chat URL (itself a secret,
 * sealed at rest like the signing secret) only by its host.
 */
export const webhookView = (hook: WebhookDoc, secrets: SecretBox) => ({
  id: hook._id,
  url: hook.format === 'json' ? hook.url : maskUrl(secrets.open(hook.url)),
  format: hook.format,
  teams: hook.teams,
  rules: hook.rules,
  description: hook.description,
  createdBy: hook.createdBy,
  createdAt: hook.createdAt,
  secretRotatedAt: hook.secretRotatedAt,
});
export type WebhookView = ReturnType<typeof webhookView>;

/** The tenant's webhook, or 404. */
export async function tenantWebhook(store: NotificationsStore, tenantId: string, id: string): Promise<WebhookDoc> {
  const c = await store.collections();
  const hook = await c.webhooks.findOne({ _id: id, tenantId });
  if (!hook) throw notFound('webhook', 'No such webhook in this tenant.', { webhookId: id });
  return hook;
}
