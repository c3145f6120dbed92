import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Metrics, Tracing, activeTraceparent } from '@okr/platform';
import type { IntegrationEvent } from '../integration-event';
import type { ConsumerOptions, IntegrationEventConsumer, RunningConsumer } from '../messaging.port';
import { ObservedConsumer, topicOfStream } from './observed-consumer';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const event = (revision: number, traceparent?: string): IntegrationEvent => ({
  id: `e${revision}`,
  type: 'KeyResultAtRisk',
  schemaVersion: 1,
  streamId: 'insight-kr1',
  key: 'kr1',
  revision,
  position: revision,
  data: {},
  metadata: { tenantId: 'acme', actor: 'system:insights', correlationId: 'c', causationId: 'c', occurredAt: new Date(0).toISOString(), ...(traceparent ? { traceparent } : {}) },
});

/** A consumer that hands its caller's options out, so the test can deliver events itself. */
class CapturingConsumer implements IntegrationEventConsumer {
  options: ConsumerOptions | undefined;
  async start(options: ConsumerOptions): Promise<RunningConsumer> {
    this.options = options;
    return { stop: async () => undefined };
  }
  reset = jest.fn(async () => undefined);
  caughtUp = jest.fn(async () => true);
  listGroups = jest.fn(async () => []);
  deleteIdleGroups = jest.fn(async () => ({ deleted: [], kept: [] }));
  lag = jest.fn(async (group: string, topics: readonly string[]) => topics.map((topic) => ({ topic, partition: 3, lag: group.length })));
  close = jest.fn(async () => undefined);
}

describe('ObservedConsumer', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = new Tracing('notifications', new SimpleSpanProcessor(exporter));
  const inner = new CapturingConsumer();
  const metrics = new Metrics('notifications');
  const traced = new ObservedConsumer(inner, tracing, 'okr-embedded', metrics);
  afterAll(() => tracing.onApplicationShutdown());
  beforeEach(() => exporter.reset());

  it("runs a handler in a consumer span continuing the event's trace, the active span while it runs", async () => {
    let seen: string | undefined;
    await traced.start({ group: 'notifications', topics: ['okr.insights.v1'], handlers: { KeyResultAtRisk: async () => void (seen = activeTraceparent()) } });
    await inner.options?.handlers['KeyResultAtRisk'](event(0, `00-${TRACE}-00f067aa0ba902b7-01`));
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('notifications KeyResultAtRisk');
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.attributes).toMatchObject({ 'messaging.consumer.group.name': 'notifications', 'messaging.destination.name': 'okr.insights.v1', 'messaging.message.id': 'e0' });
    expect(seen).toBe(`00-${TRACE}-${span.spanContext().spanId}-01`);
  });

  it('gives each traced event of a batch its span, and none to an event without a traceparent', async () => {
    const batch = jest.fn(async () => undefined);
    await traced.start({ group: 'insights.summary', topics: ['okr.insights.v1'], handlers: {}, handleBatch: batch });
    await inner.options?.handleBatch?.([event(1, `00-${TRACE}-00f067aa0ba902b7-01`), event(2), event(3, `00-${TRACE}-b7ad6b7169203331-01`)]);
    expect(batch).toHaveBeenCalledTimes(1);
    expect(exporter.getFinishedSpans().map((s) => s.parentSpanContext?.spanId)).toEqual(['00f067aa0ba902b7', 'b7ad6b7169203331']);
  });

  it('times each batch of a group', async () => {
    await traced.start({ group: 'insights.timed', topics: ['okr.insights.v1'], handlers: {}, handleBatch: () => new Promise((resolve) => setTimeout(resolve, 30)) });
    await inner.options?.handleBatch?.([event(1)]);
    await inner.options?.handleBatch?.([event(2)]);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('okr_consumer_batch_duration_seconds_count{service="notifications",group="insights.timed"} 2');
    expect(scraped).toContain('okr_consumer_batch_duration_seconds_bucket{le="0.02",service="notifications",group="insights.timed"} 0');
  });

  it('counts dead letters per group and topic, and still tells the caller', async () => {
    const told = jest.fn();
    await traced.start({ group: 'notifications', topics: ['okr.insights.v1'], handlers: {}, onDeadLetter: told });
    inner.options?.onDeadLetter?.({ group: 'notifications', topic: 'okr.insights.v1', type: 'KeyResultAtRisk' });
    inner.options?.onDeadLetter?.({ group: 'notifications', topic: 'okr.insights.v1' });
    expect(told).toHaveBeenCalledTimes(2);
    expect(await metrics.registry.metrics()).toContain('okr_dead_letters_total{group="notifications",topic="okr.insights.v1",service="notifications"} 2');
  });

  it('reports the lag of every group started through it on each scrape', async () => {
    await traced.start({ group: 'notifications', topics: ['okr.insights.v1'], handlers: {} });
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('okr_consumer_lag{group="notifications",topic="okr.insights.v1",partition="3",service="notifications"} 13');
  });

  it('passes reset and close through, and knows the topic of each category', async () => {
    await traced.reset('g', ['okr.goals.v1'], { to: 'start' });
    expect(inner.reset).toHaveBeenCalledWith('g', ['okr.goals.v1'], { to: 'start' });
    expect(topicOfStream('objective-1')).toBe('okr.goals.v1');
    expect(topicOfStream('checkins-1')).toBe('okr.checkins.v1');
    expect(topicOfStream('idempotency-1')).toBeUndefined();
  });
});
