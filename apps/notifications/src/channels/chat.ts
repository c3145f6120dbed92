import { escapeMrkdwn, paragraphsOf, truncate, truncateEscaped } from './format';
import { postJson, type PinnedAddress } from './http';
import type { OutgoingNotification, SendOutcome } from './types';

/**
 * Chat channels: Slack and Microsoft Teams incoming webhooks. Both authenticate by the secret URL,
 * so the requests are not signed and the URL never appears in an outcome.
 */

export type ChatFormat = 'slack' | 'teams';

// Slack Block Kit limits: 50 blocks, 150 characters of header text, 3000 of section text.
const SLACK_MAX_BLOCKS = 50;
const SLACK_HEADER_CHARS = 150;
const SLACK_SECTION_CHARS = 3000;
/** Digest entries shown in one chat message; the rest are counted. */
const MAX_CHAT_ITEMS = 20;

const footerOf = (n: OutgoingNotification) => `${n.rule} · delivery ${n.deliveryId}`;
const subjectOf = (n: OutgoingNotification) => n.subject.trim() || n.rule;

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'divider' }
  | { type: 'context'; elements: SlackText[] };

export interface SlackMessage {
  /** The fallback shown in notifications; mrkdwn, escaped. */
  text: string;
  blocks: SlackBlock[];
}

/** The notification as a Slack incoming-webhook message: a header, the body, digest entries, a context line. */
export function slackMessage(n: OutgoingNotification): SlackMessage {
  const section = (markdown: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncateEscaped(markdown, SLACK_SECTION_CHARS) } });
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(subjectOf(n), SLACK_HEADER_CHARS), emoji: true } }];
  if (n.body.trim()) blocks.push(section(escapeMrkdwn(n.body.trim())));
  const items = n.items ?? [];
  if (items.length) {
    blocks.push({ type: 'divider' });
    // Room for the divider, the "more" line and the context line within Slack's block limit.
    const shown = items.slice(0, Math.min(MAX_CHAT_ITEMS, SLACK_MAX_BLOCKS - blocks.length - 2));
    for (const item of shown) {
      const title = `*${escapeMrkdwn(item.subject.trim() || item.rule)}*`;
      blocks.push(section(item.body.trim() ? `${title}\n${escapeMrkdwn(item.body.trim())}` : title));
    }
    if (items.length > shown.length) blocks.push(section(`…and ${items.length - shown.length} more`));
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(footerOf(n)) }] });
  return { text: truncateEscaped(escapeMrkdwn(subjectOf(n)), SLACK_SECTION_CHARS), blocks };
}

export interface AdaptiveTextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Small' | 'Default' | 'Medium' | 'Large';
  weight?: 'Bolder';
  isSubtle?: true;
  spacing?: 'None' | 'Small' | 'Medium';
  separator?: true;
}

export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      type: 'AdaptiveCard';
      version: '1.4';
      body: AdaptiveTextBlock[];
      msteams: { width: 'Full' };
    };
  }[];
}

/**
 * Plain-text lines as TextBlocks, one per line (a lone `\n` inside a TextBlock is not reliably a
 * line break in Teams), with a wider gap between paragraphs.
 */
function textBlocks(text: string, first: Partial<AdaptiveTextBlock> = {}): AdaptiveTextBlock[] {
  const blocks: AdaptiveTextBlock[] = [];
  paragraphsOf(text).forEach((paragraph, p) =>
    paragraph.forEach((line, l) =>
      blocks.push({
        type: 'TextBlock',
        text: line,
        wrap: true,
        ...(p === 0 && l === 0 ? first : { spacing: l === 0 ? 'Medium' : 'None' }),
      }),
    ),
  );
  return blocks;
}

/** The notification as a Microsoft Teams incoming-webhook message with one Adaptive Card (1.4). */
export function teamsMessage(n: OutgoingNotification): TeamsMessage {
  const body: AdaptiveTextBlock[] = [{ type: 'TextBlock', text: subjectOf(n), wrap: true, size: 'Medium', weight: 'Bolder' }];
  body.push(...textBlocks(n.body));
  const items = n.items ?? [];
  const shown = items.slice(0, MAX_CHAT_ITEMS);
  for (const item of shown) {
    body.push({ type: 'TextBlock', text: item.subject.trim() || item.rule, wrap: true, weight: 'Bolder', separator: true, spacing: 'Medium' });
    body.push(...textBlocks(item.body, { spacing: 'None' }));
  }
  if (items.length > shown.length) body.push({ type: 'TextBlock', text: `…and ${items.length - shown.length} more`, wrap: true });
  body.push({ type: 'TextBlock', text: footerOf(n), wrap: true, size: 'Small', isSubtle: true, spacing: 'Medium' });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** The JSON body for a chat format. */
export function chatBody(format: ChatFormat, n: OutgoingNotification): string {
  return JSON.stringify(format === 'slack' ? slackMessage(n) : teamsMessage(n));
}

export interface SendChat {
  url: string;
  format: ChatFormat;
  notification: OutgoingNotification;
  timeoutMs: number;
  /** Connect to these addresses (the ones the destination guard approved) instead of resolving the host again. */
  pinned?: readonly PinnedAddress[];
}

/** One unsigned POST to a Slack or Teams incoming webhook, with the same status mapping as the tenant webhook. */
export function sendChat({ url, format, notification, timeoutMs, pinned }: SendChat): Promise<SendOutcome> {
  return postJson({ url, body: chatBody(format, notification), timeoutMs, pinned, headers: { 'X-Okr-Delivery': notification.deliveryId } });
}
