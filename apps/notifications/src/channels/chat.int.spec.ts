import { chatBody, sendChat, slackMessage, teamsMessage } from './chat';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver';
import type { OutgoingNotification } from './types';

const notification = (overrides: Partial<OutgoingNotification> = {}): OutgoingNotification => ({
  deliveryId: 'd-77',
  tenantId: 'acme',
  rule: 'confidence-drop',
  recipient: 'u-ada',
  subject: 'Confidence in <ARR> & churn dropped',
  body: 'Confidence fell from 8 to 4.\nAsk <!channel> & <@U123> > nobody.\n\nSee the check-in.',
  triggeredBy: 'evt-3',
  createdAt: '2026-11-27T09:00:00.000Z',
  attempt: 1,
  ...overrides,
});

const SLACK_PATH = '/services/T0001/B0002/XyZsecretToken';

describe('slackMessage', () => {
  it('is a header, the body as escaped mrkdwn and a context line, with an escaped fallback text', () => {
    expect(slackMessage(notification())).toEqual({
      text: 'Confidence in &lt;ARR&gt; &amp; churn dropped',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Confidence in <ARR> & churn dropped', emoji: true } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'Confidence fell from 8 to 4.\nAsk &lt;!channel&gt; &amp; &lt;@U123&gt; &gt; nobody.\n\nSee the check-in.',
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'confidence-drop · delivery d-77' }] },
      ],
    });
  });

  it('lists digest entries as sections, and stays within the Block Kit limits', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ rule: 'at-risk', subject: `Item ${i} <b>`, body: `line & ${i}` }));
    const message = slackMessage(notification({ rule: 'digest', subject: 'S'.repeat(400), body: '&'.repeat(5000), items }));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const [header, body, divider, first] = message.blocks;
    expect(header).toMatchObject({ type: 'header', text: { text: expect.stringMatching(/^S{149}…$/) } });
    // Cut at the limit without leaving half an entity behind.
    expect(body).toMatchObject({ type: 'section', text: { text: expect.stringMatching(/^(&amp;)+…$/) } });
    expect(body.type === 'section' && body.text.text.length).toBeLessThanOrEqual(3000);
    expect(divider).toEqual({ type: 'divider' });
    expect(first).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Item 0 &lt;b&gt;*\nline &amp; 0' } });
    expect(message.blocks.at(-2)).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '…and 10 more' } });
  });
});

describe('teamsMessage', () => {
  it('is a message with one Adaptive Card 1.4: the subject, one TextBlock per line, the footer', () => {
    const message = teamsMessage(notification({ items: [{ rule: 'at-risk', subject: 'KR 2 at risk', body: 'Now 20%.' }] }));
    expect(message).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' },
        },
      ],
    });
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].content.body.map((block) => [block.type, block.text])).toEqual([
      ['TextBlock', 'Confidence in <ARR> & churn dropped'],
      ['TextBlock', 'Confidence fell from 8 to 4.'],
      ['TextBlock', 'Ask <!channel> & <@U123> > nobody.'],
      ['TextBlock', 'See the check-in.'],
      ['TextBlock', 'KR 2 at risk'],
      ['TextBlock', 'Now 20%.'],
      ['TextBlock', 'confidence-drop · delivery d-77'],
    ]);
    expect(message.attachments[0].content.body[0]).toMatchObject({ weight: 'Bolder', wrap: true });
    expect(message.attachments[0].content.body.every((block) => block.wrap)).toBe(true);
  });
});

describe('sendChat against a real HTTP receiver', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await startHttpReceiver(() => ({ status: 200, body: 'ok' }));
  });
  afterEach(() => receiver.close());

  it('POSTs the Slack payload, unsigned', async () => {
    const outcome = await sendChat({ url: `${receiver.origin}${SLACK_PATH}`, format: 'slack', notification: notification(), timeoutMs: 5000 });
    expect(outcome).toEqual({ kind: 'delivered', statusCode: 200, detail: 'ok' });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: SLACK_PATH });
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'okr-notifications/1', 'x-okr-delivery': 'd-77' });
    expect(request.headers['x-okr-signature']).toBeUndefined();
    expect(request.body).toBe(chatBody('slack', notification()));
    const payload = JSON.parse(request.body);
    expect(payload.text).toBe('Confidence in &lt;ARR&gt; &amp; churn dropped');
    expect(payload.blocks.map((block: { type: string }) => block.type)).toEqual(['header', 'section', 'context']);
  });

  it('POSTs the Teams payload', async () => {
    receiver.respond(() => ({ status: 202 }));
    const outcome = await sendChat({ url: `${receiver.origin}/webhookb2/abc`, format: 'teams', notification: notification(), timeoutMs: 5000 });
    expect(outcome).toEqual({ kind: 'delivered', statusCode: 202 });
    const payload = JSON.parse(receiver.requests[0].body);
    expect(payload).toEqual(teamsMessage(notification()));
    expect(payload.type).toBe('message');
    expect(payload.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(payload.attachments[0].content.type).toBe('AdaptiveCard');
  });

  it('maps statuses like the webhook, and never shows the secret URL', async () => {
    // Slack answers 404 no_service / 410 channel_is_archived for a dead hook, 429 when rate limited.
    receiver.respond((request) => ({ status: 404, body: `no_service for ${request.path}` }));
    const gone = await sendChat({ url: `${receiver.origin}${SLACK_PATH}`, format: 'slack', notification: notification(), timeoutMs: 5000 });
    expect(gone).toEqual({ kind: 'reject', statusCode: 404, error: 'HTTP 404 Not Found: [withheld: it quoted a secret]' });

    receiver.respond(() => ({ status: 429, body: 'rate_limited' }));
    const limited = await sendChat({ url: `${receiver.origin}${SLACK_PATH}`, format: 'slack', notification: notification(), timeoutMs: 5000 });
    expect(limited).toMatchObject({ kind: 'retry', statusCode: 429 });

    receiver.respond(() => 'hang');
    const slow = await sendChat({ url: `${receiver.origin}${SLACK_PATH}`, format: 'teams', notification: notification(), timeoutMs: 100 });
    expect(slow).toMatchObject({ kind: 'retry', error: expect.stringContaining('timed out') });

    expect(receiver.requests).toHaveLength(3);
    for (const outcome of [gone, limited, slow]) expect(JSON.stringify(outcome)).not.toContain('XyZsecretToken');
  });
});
