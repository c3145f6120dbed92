import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { traceparentOf } from '@okr/platform';
import { eventually } from '@okr/platform/testing';
import { startPlatform, type Platform } from './support/platform';

const DAY_MS = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

/** The caller's trace: a request that arrives with a W3C traceparent, as from a traced gateway. */
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const CALLER_SPAN_ID = 'eee19b7ec3c1b174';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;

describe('one trace from a request to goals, through insights, to a notification delivered', () => {
  const exporter = new InMemorySpanExporter();
  let platform: Platform;
  let token: string;
  let objectiveId: string;
  /** The team's webhook: notifications sends it what it delivers (a dispatcher attempt, unlike in-app). */
  let receiver: Server;
  const received: { body: string; traceparent: string | undefined }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const traceparent = request.headers['traceparent'];
        received.push({ body, traceparent: typeof traceparent === 'string' ? traceparent : undefined });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    platform = await startPlatform({ spanProcessor: new SimpleSpanProcessor(exporter) });
    token = await platform.token({ roles: ['admin'], teams: ['growth'] });
    const webhook = await platform.call('notifications', 'POST', '/api/v1/webhooks', token, {
      body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/okr`, rules: ['at-risk'] },
    });
    expect(webhook.status).toBe(201);
    // The cycle ends in 5 days: a milestone not done yet is at risk as soon as its objective is active.
    const cycle = await platform.call('goals', 'POST', '/api/v1/cycles', token, {
      body: { name: 'Ending soon', startsOn: isoDay(-80), endsOn: isoDay(5), checkInCadenceDays: 7 },
    });
    expect(cycle.status).toBe(201);
    const objective = await platform.call('goals', 'POST', '/api/v1/objectives', token, {
      body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Customers import on their own' },
    });
    expect(objective.status).toBe(201);
    objectiveId = objective.body.id;
    const kr = await platform.call('goals', 'POST', `/api/v1/objectives/${objectiveId}/key-results`, token, {
      body: { title: 'Guided import launched', kind: 'milestone', ownerId: 'bob' },
    });
    expect(kr.status).toBe(201);
    // Insights knows the objective, its key result and its cycle before the traced request, so the
    // activation is what completes its view and triggers the assessment.
    await eventually(async () => {
      const summary = await platform.call('insights', 'GET', `/api/v1/objectives/${objectiveId}/summary`, token);
      return summary.status === 200 && summary.body.cycle !== null && summary.body.keyResults.length === 1;
    }, 30_000, "insights' view of the objective");
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('continues the caller\'s traceparent from the HTTP command to the delivery, each span the child of its cause', async () => {
    const activation = await platform.call('goals', 'POST', `/api/v1/objectives/${objectiveId}/activation`, token, {
      headers: { traceparent: TRACEPARENT },
    });
    expect(activation.status).toBe(200);

    const ofTrace = () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);
    const delivered = await eventually(
      () => ofTrace().find((span) => span.name === 'deliver webhook' && span.attributes['okr.delivery.outcome'] === 'delivered'),
      30_000,
      "the at-risk notification delivered to the team's webhook, in the trace",
    );
    const spans = ofTrace();
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const chain: ReadableSpan[] = [];
    for (let span: ReadableSpan | undefined = delivered; span; span = byId.get(span.parentSpanContext?.spanId ?? '')) chain.unshift(span);
    expect(chain.map((span) => `${String(span.resource.attributes['service.name'])}: ${span.name}`)).toEqual([
      'goals: POST /api/v1/objectives/:id/activation',
      // A consumer span is named by its group (a read model's group may carry its generation) and event type.
      expect.stringMatching(/^insights: insights\.objective-summary-v2(\.\w+)? ObjectiveActivated$/),
      'insights: assess key result risk',
      expect.stringMatching(/^notifications: notifications(\.[\w-]+)* KeyResultAtRisk$/),
      'notifications: deliver webhook',
    ]);
    // The first span is the request's, a child of the caller's span.
    expect(chain[0].parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(chain[3].attributes).toMatchObject({ 'messaging.system': 'okr-embedded', 'messaging.destination.name': 'okr.insights.v1' });
    expect(delivered.attributes).toMatchObject({ 'okr.delivery.rule': 'at-risk', 'okr.delivery.channel': 'webhook', 'http.response.status_code': 204 });
    // The webhook request carries the attempt's span: a traced receiver continues this trace.
    const atRisk = received.filter(({ body }) => body.includes('"rule":"at-risk"'));
    expect(atRisk.map(({ traceparent }) => traceparent)).toContain(traceparentOf(delivered.spanContext()));
    // Every service's projection of the activation is in the same trace (check-ins' view too).
    const services = new Set(spans.map((span) => span.resource.attributes['service.name']));
    expect([...services].sort()).toEqual(['check-ins', 'goals', 'insights', 'notifications']);
  });
});
