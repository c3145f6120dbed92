import type { PersonalDataProtection } from '@okr/event-store';
import type { EventHandler, ConsumerOptions, IntegrationEventConsumer, PartitionLag, ResetTarget, RunningConsumer, GroupCleanup } from './messaging.port';

/**
 * A consumer of the platform's own that opens sealed personal data (with the shared key store) before
 * its handlers see an event; Kafka carries the events as stored. A destroyed key reads
 * "erased person", as it does on every other read path. A group started `sealed` gets the events as
 * the topic carries them.
 */
export class OpeningConsumer implements IntegrationEventConsumer {
  constructor(
    private readonly inner: IntegrationEventConsumer,
    private readonly protection: PersonalDataProtection,
  ) {}

  start(options: ConsumerOptions): Promise<RunningConsumer> {
    // A group that asks for sealed events gets them as the topic carries them.
    if (options.sealed) return this.inner.start(options);
    const open = this.protection;
    const handlers: Record<string, EventHandler> = {};
    for (const [type, handler] of Object.entries(options.handlers)) handlers[type] = async (event) => handler(await open.open(event));
    const { handleBatch } = options;
    return this.inner.start({
      ...options,
      handlers,
      ...(handleBatch ? { handleBatch: async (events) => handleBatch(await Promise.all(events.map((event) => open.open(event)))) } : {}),
    });
  }

  reset(group: string, topics: readonly string[], target: ResetTarget): Promise<void> {
    return this.inner.reset(group, topics, target);
  }

  caughtUp(group: string, topics: readonly string[]): Promise<boolean> {
    return this.inner.caughtUp(group, topics);
  }

  lag(group: string, topics: readonly string[]): Promise<PartitionLag[]> {
    return this.inner.lag(group, topics);
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
