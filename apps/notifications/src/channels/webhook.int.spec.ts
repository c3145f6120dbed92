import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Tracing, traceparentOf } from '@okr/platform';
import { closedPort, startHttpReceiver, type HttpReceiver } from './testing/http-receiver';
import type { OutgoingNotification, SendOutcome } from './types';
import { sendWebhook, signWebhook, verifyWebhookSignature, webhookBody } from './webhook';

const SECRET = 'whsec_5f2b9c7d1e8a4c6b';
const NOW = new Date('2026-11-27T09:30:00.000Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);

const notification = (overrides: Partial<OutgoingNotification> = {}): OutgoingNotification => ({
  deliveryId: 'd-4a1f',
  tenantId: 'acme',
  rule: 'at-risk',
  recipient: 'webhook:wh-1',
  subject: 'Objective "Grow revenue" is at risk',
  body: 'Key result "ARR" fell to 40%.\nConfidence: 3/10.',
  triggeredBy: 'evt-9',
  createdAt: '2026-11-27T09:29:58.000Z',
  attempt: 2,
  objectiveId: 'obj-1',
  keyResultId: 'kr-2',
  ...overrides,
});

describe('signWebhook / verifyWebhookSignature', () => {
  it('is HMAC-SHA256 over "{timestamp}.{body}", hex, prefixed sha256=', () => {
    // Computed independently: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
    expect(signWebhook('s3cret', '1700000000', '{"a":1}')).toBe('sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940');
  });

  const body = webhookBody(notification());
  const signature = signWebhook(SECRET, NOW_SECONDS, body);
  const base = { secret: SECRET, timestamp: NOW_SECONDS, body, signature, now: NOW };

  it('verifies the untouched request, from a string or the raw bytes', () => {
    expect(verifyWebhookSignature(base)).toBe(true);
    expect(verifyWebhookSignature({ ...base, body: Buffer.from(body) })).toBe(true);
  });

  it('refuses a tampered body, another secret, another timestamp or a malformed signature', () => {
    expect(verifyWebhookSignature({ ...base, body: body.replace('at risk', 'on track') })).toBe(false);
    expect(verifyWebhookSignature({ ...base, secret: 'other' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, timestamp: String(Number(NOW_SECONDS) - 1) })).toBe(false);
    expect(verifyWebhookSignature({ ...base, signature: signature.slice(0, -1) })).toBe(false);
    expect(verifyWebhookSignature({ ...base, signature: '' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, timestamp: 'soon' })).toBe(false);
  });

  it('accepts a timestamp within the tolerance and refuses one older or newer', () => {
    const at = (secondsFromNow: number) => new Date(NOW.getTime() + secondsFromNow * 1000);
    expect(verifyWebhookSignature({ ...base, now: at(300) })).toBe(true);
    expect(verifyWebhookSignature({ ...base, now: at(-300) })).toBe(true);
    expect(verifyWebhookSignature({ ...base, now: at(301) })).toBe(false);
    expect(verifyWebhookSignature({ ...base, now: at(-301) })).toBe(false);
    expect(verifyWebhookSignature({ ...base, now: at(30), toleranceSeconds: 10 })).toBe(false);
  });
});

describe('webhookBody', () => {
  it('has a stable field order and leaves out the optional fields that are not set', () => {
    const parsed = JSON.parse(webhookBody(notification({ teamId: 't-1', items: [{ rule: 'at-risk', subject: 's', body: 'b' }] })));
    expect(Object.keys(parsed)).toEqual([
      'id',
      'type',
      'rule',
      'tenantId',
      'recipient',
      'subject',
      'body',
      'triggeredBy',
      'createdAt',
      'objectiveId',
      'keyResultId',
      'teamId',
      'items',
    ]);
    expect(parsed).toMatchObject({ id: 'd-4a1f', type: 'okr.notification', rule: 'at-risk', items: [{ rule: 'at-risk', subject: 's', body: 'b' }] });
    const bare = JSON.parse(webhookBody(notification({ objectiveId: undefined, keyResultId: undefined })));
    expect(Object.keys(bare)).toEqual(['id', 'type', 'rule', 'tenantId', 'recipient', 'subject', 'body', 'triggeredBy', 'createdAt']);
  });
});

describe('sendWebhook against a real HTTP receiver', () => {
  let receiver: HttpReceiver;
  const outcomes: SendOutcome[] = [];
  const send = async (url: string, options: { timeoutMs?: number; n?: OutgoingNotification } = {}) => {
    const outcome = await sendWebhook({ url, secret: SECRET, notification: options.n ?? notification(), timeoutMs: options.timeoutMs ?? 5000, now: NOW });
    outcomes.push(outcome);
    return outcome;
  };

  beforeEach(async () => {
    receiver = await startHttpReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(() => {
    // Whatever the receiver answered or how the attempt failed, the secret is in no outcome.
    for (const outcome of outcomes) expect(JSON.stringify(outcome)).not.toContain(SECRET);
  });

  it('POSTs the signed JSON body with the delivery headers; 2xx is delivered', async () => {
    receiver.respond(() => ({ status: 202, body: 'queued' }));
    const outcome = await send(`${receiver.origin}/hooks/okr?team=a`);

    expect(outcome).toEqual({ kind: 'delivered', statusCode: 202, detail: 'queued' });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/okr?team=a');
    expect(request.body).toBe(webhookBody(notification()));
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'okr-notifications/1',
      'x-okr-delivery': 'd-4a1f',
      'x-okr-event': 'at-risk',
      'x-okr-attempt': '2',
      'x-okr-timestamp': NOW_SECONDS,
    });
    expect(request.headers['x-okr-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    // Sent outside any span: no trace context is made up.
    expect(request.headers).not.toHaveProperty('traceparent');

    const received = {
      secret: SECRET,
      timestamp: String(request.headers['x-okr-timestamp']),
      body: request.body,
      signature: String(request.headers['x-okr-signature']),
      now: NOW,
    };
    expect(verifyWebhookSignature(received)).toBe(true);
    expect(verifyWebhookSignature({ ...received, body: request.body.replace('40%', '90%') })).toBe(false);
    expect(verifyWebhookSignature({ ...received, now: new Date(NOW.getTime() + 10 * 60_000) })).toBe(false);
  });

  it('500 -> retry, with the status and the start of the body; one request, no retry by itself', async () => {
    receiver.respond(() => ({ status: 500, body: `boom ${'x'.repeat(2000)}` }));
    const outcome = await send(`${receiver.origin}/hook`);
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 500 });
    expect(outcome.kind !== 'delivered' && outcome.error).toMatch(/^HTTP 500 Internal Server Error: boom x+/);
    expect(outcome.kind !== 'delivered' && outcome.error.length).toBeLessThanOrEqual(512);
    expect(receiver.requests).toHaveLength(1);
  });

  it('400 -> reject; one request', async () => {
    receiver.respond(() => ({ status: 400, body: '{"error":"unknown event"}' }));
    const outcome = await send(`${receiver.origin}/hook`);
    expect(outcome).toEqual({ kind: 'reject', statusCode: 400, error: 'HTTP 400 Bad Request: {"error":"unknown event"}' });
    expect(receiver.requests).toHaveLength(1);
  });

  it.each([
    [408, 'retry'],
    [429, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [401, 'reject'],
    [404, 'reject'],
    [410, 'reject'],
    [204, 'delivered'],
  ] as const)('%i -> %s', async (status, kind) => {
    receiver.respond(() => ({ status }));
    const outcome = await send(`${receiver.origin}/hook`);
    expect(outcome).toMatchObject({ kind, statusCode: status });
    expect(receiver.requests).toHaveLength(1);
  });

  it('keeps Retry-After in the error of a 429', async () => {
    receiver.respond(() => ({ status: 429, headers: { 'Retry-After': '30' } }));
    expect(await send(`${receiver.origin}/hook`)).toMatchObject({ kind: 'retry', error: 'HTTP 429 Too Many Requests (Retry-After: 30)' });
  });

  it('does not follow a redirect: 3xx -> reject, the Location is never requested', async () => {
    receiver.respond((request) => (request.path === '/hook' ? { status: 302, headers: { Location: '/elsewhere' } } : { status: 200 }));
    const outcome = await send(`${receiver.origin}/hook`);
    expect(outcome).toMatchObject({ kind: 'reject', statusCode: 302 });
    expect(receiver.requests.map((request) => request.path)).toEqual(['/hook']);
  });

  it('a receiver that never answers -> retry with a timeout message', async () => {
    receiver.respond(() => 'hang');
    const outcome = await send(`${receiver.origin}/hook`, { timeoutMs: 150 });
    expect(outcome).toEqual({ kind: 'retry', error: 'timed out after 150 ms without a response' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('connection refused -> retry', async () => {
    const outcome = await send(`http://127.0.0.1:${await closedPort()}/hook`);
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(outcome.kind !== 'delivered' && outcome.error).toMatch(/^request failed: .*ECONNREFUSED/);
  });

  it('an unusable URL -> reject, without echoing it', async () => {
    expect(await send('not a url')).toEqual({ kind: 'reject', error: 'invalid URL' });
    expect(await send('ftp://127.0.0.1/hook')).toMatchObject({ kind: 'reject', error: 'unsupported URL scheme ftp, expected http or https' });
    expect(await send('http://user:pw@127.0.0.1/hook')).toEqual({ kind: 'reject', error: 'the URL must not carry credentials' });
  });

  it('a header value that cannot be sent -> reject before any request', async () => {
    const outcome = await send(`${receiver.origin}/hook`, { n: notification({ deliveryId: 'd-1\r\nX-Evil: 1' }) });
    expect(outcome).toMatchObject({ kind: 'reject', error: expect.stringMatching(/^invalid request/) });
    expect(receiver.requests).toHaveLength(0);
  });

  it('never puts the secret in an outcome, even when the receiver echoes it', async () => {
    receiver.respond(() => ({ status: 401, body: `bad signature, expected secret ${SECRET}` }));
    const outcome = await send(`${receiver.origin}/hook`);
    expect(outcome).toMatchObject({ kind: 'reject', statusCode: 401, error: 'HTTP 401 Unauthorized: [withheld: it quoted a secret]' });
  });
});

describe('sendWebhook in a delivery attempt span', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = new Tracing('notifications', new SimpleSpanProcessor(exporter));
  const CAUSE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  let receiver: HttpReceiver;
  beforeEach(async () => (receiver = await startHttpReceiver(() => ({ status: 204 }))));
  afterEach(() => receiver.close());
  afterAll(() => tracing.onApplicationShutdown());

  it("sends the attempt span's traceparent, so a traced receiver continues the delivery's trace", async () => {
    const span = await tracing.inSpan({ traceparent: CAUSE, name: 'deliver webhook', kind: SpanKind.CLIENT }, async (active) => {
      await sendWebhook({ url: `${receiver.origin}/hook`, secret: SECRET, notification: notification(), timeoutMs: 5000, now: NOW });
      return active.spanContext();
    });
    const [request] = receiver.requests;
    expect(request.headers['traceparent']).toBe(traceparentOf(span));
    // The attempt's own span, a child of the event's: not the cause passed through.
    expect(request.headers['traceparent']).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(request.headers['traceparent']).not.toBe(CAUSE);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['deliver webhook']);
  });
});
