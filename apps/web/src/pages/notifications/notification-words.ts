import type { components } from '../../api/schema/notifications';

export type NotificationRule = components['schemas']['NotificationRule'];
export type DeliveryRule = components['schemas']['DeliveryRule'];

/** Every rule a person can mute, in the order the preferences list them, with what it sends. */
export const RULE_LABELS: Record<NotificationRule, string> = {
  'check-in-reminder': 'Check-in reminders',
  'at-risk': 'Key results at risk',
  'confidence-drop': 'Drops in confidence',
  'learning-captured': 'New learnings',
  'objective-aligned': 'Objectives aligned to yours',
  'objective-graded': 'Objectives graded',
  'question-asked': 'Questions asked',
  'question-answered': 'Questions answered',
};
export const NOTIFICATION_RULES = Object.keys(RULE_LABELS) as NotificationRule[];

export const deliveryRuleLabel = (rule: DeliveryRule): string =>
  rule === 'digest' ? 'Digest' : rule === 'test' ? 'Test message' : (RULE_LABELS[rule] ?? 'Notification');

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A notification's text as the service wrote it, except the ids it falls back to when it did not know a
 * title ("key result 0193…"): a person gets a neutral label instead.
 */
export function withoutIds(text: string): string {
  return text
    .replace(new RegExp(`\\b(objective|key result)\\s+${UUID}`, 'gi'), (_m, what: string) => `${/^[A-Z]/.test(what) ? 'An' : 'an'} unnamed ${what.toLowerCase()}`)
    .replace(new RegExp(UUID, 'gi'), '(unnamed)');
}
