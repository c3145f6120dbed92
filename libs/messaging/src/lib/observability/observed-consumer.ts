import { SpanKind } from '@opentelemetry/api';
import { categoryOf } from '@okr/okr-domain';
import type { Metrics, SpanRequest, Tracing } from '@okr/platform';
import type { IntegrationEvent } from '../integration-event';
import type { ConsumerOptions, EventHandler, IntegrationEventConsumer, PartitionLag, ResetTarget, RunningConsumer, GroupCleanup } from '../messaging.port';
import { TOPICS } from '../topics';

/** The topic that carries a stream's events (by its category), or undefined for a category of no topic. */
export const topicOfStream = (streamId: string): string | undefined => {
  const category = categoryOf(streamId);
  return Object.values(TOPICS).find((topic) => (topic.categories as readonly string[]).includes(category))?.name;
};

/**
 * The span of one event in a consumer group, continuing the trace of its `metadata.traceparent`
 * (written by the request that caused it; on Kafka read back from the `traceparent` header). Named
 * `{group} {event type}`, with the messaging attributes of OpenTelemetry's conventions.
 */
export function consumerSpan(event: IntegrationEvent, group: string, system: string): SpanRequest {
  const topic = topicOfStream(event.streamId);
  return {
    traceparent: event.metadata.traceparent,
    name: `${group} ${event.type}`,
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': system,
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': group,
      ...(topic ? { 'messaging.destination.name': topic } : {}),
      'messaging.message.id': event.id,
      'okr.event.type': event.type,
      'okr.stream.id': event.streamId,
      'okr.tenant.id': event.metadata.tenantId,
    },
  };
}

/** Batch durations (seconds): a batch is sized to a budget of 20 ms on the embedded bus. */
const BATCH_BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Every consumer's handling, traced and counted, whichever adapter delivers. Dead letters count in
 * `okr_dead_letters_total{group, topic}`; each group started here reports `okr_consumer_lag{group, topic,
 * partition}`, read from the bus at each scrape (so a stuck consumer's lag grows). Traces: each event's handler runs in a
 * consumer span continuing the event's trace (the active span, so what the handler causes, events
 * and deliveries, carries it on); a batch applied in one transaction gets one span per event, each in
 * its own trace. Events without a `traceparent` (imports, events written before tracing) start no
 * trace: a replay of an old log must not flood the collector with root spans.
 */
export class ObservedConsumer implements IntegrationEventConsumer {
  constructor(
    private readonly inner: IntegrationEventConsumer,
    private readonly tracing: Tracing,
    /** `messaging.system`: `kafka`, or `okr-embedded` for the event store's own log. */
    private readonly system: string,
    private readonly metrics?: Metrics,
  ) {
    const groups = this.groups;
    const lagOf = (group: string, topics: readonly string[]) => this.lag(group, topics);
    metrics?.gauge({
      name: 'okr_consumer_lag',
      help: 'Events a consumer group has not handled yet, per topic and partition (embedded bus: log positions, partition 0)',
      labelNames: ['group', 'topic', 'partition'],
      async collect() {
        this.reset();
        for (const [group, topics] of groups) {
          // A bus that cannot answer now (a broker away) leaves the group out of this scrape.
          const lags = await lagOf(group, topics).catch(() => []);
          for (const { topic, partition, lag } of lags) this.set({ group, topic, partition: String(partition) }, lag);
        }
      },
    });
  }

  /** The groups started through this consumer and their topics, for the lag gauge. */
  private readonly groups = new Map<string, readonly string[]>();

  start(options: ConsumerOptions): Promise<RunningConsumer> {
    const spansOf = (events: readonly IntegrationEvent[]) =>
      events.filter((event) => event.metadata.traceparent).map((event) => consumerSpan(event, options.group, this.system));
    const handlers = Object.fromEntries(
      Object.entries(options.handlers).map(([type, handler]): [string, EventHandler] => [
        type,
        (event) => this.tracing.inSpans(spansOf([event]), () => handler(event)),
      ]),
    );
    this.groups.set(options.group, options.topics);
    const { handleBatch, onDeadLetter } = options;
    // How long each batch held its handler: on the embedded bus and read store nearly all of it holds the
    // event loop, so a request that arrives meanwhile waits for it (the serving-while-catching-up tail).
    const batchSeconds = this.metrics?.histogram('okr_consumer_batch_duration_seconds', 'How long a consumer group took to handle each batch of events', ['group'], BATCH_BUCKETS);
    const timedBatch =
      handleBatch && batchSeconds
        ? async (events: readonly IntegrationEvent[]): Promise<void> => {
            const end = batchSeconds.startTimer({ group: options.group });
            try {
              await handleBatch(events);
            } finally {
              end();
            }
          }
        : handleBatch;
    const deadLetters = this.metrics?.counter('okr_dead_letters_total', 'Events sent to the dead-letter destination, by group and topic', ['group', 'topic']);
    // Each series exists at 0 from the start: one that appeared at its first dead letter would hide
    // that letter from increase() and rate(), and so from the alert.
    for (const topic of options.topics) deadLetters?.inc({ group: options.group, topic }, 0);
    return this.inner.start({
      ...options,
      handlers,
      onDeadLetter: (letter) => {
        deadLetters?.inc({ group: letter.group, topic: letter.topic });
        onDeadLetter?.(letter);
      },
      ...(timedBatch ? { handleBatch: (events: readonly IntegrationEvent[]) => this.tracing.inSpans(spansOf(events), () => timedBatch(events)) } : {}),
    });
  }

  reset(group: string, topics: readonly string[], target: ResetTarget): Promise<void> {
    return this.inner.reset(group, topics, target);
  }

  lag(group: string, topics: readonly string[]): Promise<PartitionLag[]> {
    return this.inner.lag(group, topics);
  }

  caughtUp(group: string, topics: readonly string[]): Promise<boolean> {
    return this.inner.caughtUp(group, topics);
  }

  listGroups(prefix: string): Promise<string[]> {
    return this.inner.listGroups(prefix);
  }

  deleteIdleGroups(groups: readonly string[]): Promise<GroupCleanup> {
    return this.inner.deleteIdleGroups(groups);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
