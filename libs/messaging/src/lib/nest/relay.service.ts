import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { PinoLogger } from 'nestjs-pino';
import { EVENT_STORE, publishedEvents, type EventStore } from '@okr/event-store';
import {
  Metrics,
  PLATFORM_CONFIG,
  ReadinessCheck,
  Tracing,
  embeddedEventsFile,
  type PlatformConfig,
  type ReadinessIndicator,
} from '@okr/platform';
import { INTEGRATION_EVENT_PUBLISHER, type IntegrationEventPublisher } from '../messaging.port';
import { EventStoreRelayStateStore } from '../relay/event-store-relay-state';
import { Relay, RELAY_LAG_COUNT_LIMIT } from '../relay/relay';
import type { RelayStateStore } from '../relay/relay-state.port';
import { SqliteRelayStateStore } from '../relay/sqlite-relay-state';

export const RELAY_TOPIC = Symbol('RELAY_TOPIC');

/** What one service relays: its name and the topic of its bounded context. */
export interface RelayTopic {
  name: string;
  topic: { name: string; categories: readonly string[] };
}

/**
 * Runs the service's relay to Kafka (only with `OKR_BUS=kafka`: in embedded mode consumers read the
 * log itself). Reports the relay's lag on `/health/ready` without ever failing readiness for it: a
 * lagging relay delays consumers but the service still takes commands.
 */
@ReadinessCheck()
@Injectable()
export class RelayService implements OnApplicationBootstrap, OnApplicationShutdown, ReadinessIndicator {
  private relay: Relay | undefined;
  private state: RelayStateStore | undefined;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(INTEGRATION_EVENT_PUBLISHER) private readonly publisher: IntegrationEventPublisher | null,
    @Inject(RELAY_TOPIC) private readonly what: RelayTopic,
    private readonly health: HealthIndicatorService,
    private readonly logger: PinoLogger,
    metrics: Metrics,
    private readonly tracing: Tracing,
  ) {
    logger.setContext('relay');
    // Read on each scrape: how far the relay is behind the head of the log, and who publishes.
    const lagOf = async () => (this.relay ? await this.relay.lag() : undefined);
    const labels = { relay: what.name };
    metrics.gauge({
      name: 'okr_relay_lag_positions',
      help: `Events of the relayed categories not yet published (a count of events behind the head on every event store, not a position difference; at most ${RELAY_LAG_COUNT_LIMIT})`,
      labelNames: ['relay'],
      async collect() {
        const lag = await lagOf();
        if (lag) this.set(labels, lag.positions);
      },
    });
    metrics.gauge({
      name: 'okr_relay_lag_seconds',
      help: 'Age of the oldest event not yet published, 0 when caught up',
      labelNames: ['relay'],
      async collect() {
        const lag = await lagOf();
        if (lag) this.set(labels, lag.seconds);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.publisher) return;
    this.state =
      this.config.OKR_EVENT_STORE === 'sqlite'
        ? new SqliteRelayStateStore(embeddedEventsFile(this.config))
        : new EventStoreRelayStateStore(this.store);
    this.relay = new Relay({
      name: this.what.name,
      topic: this.what.topic.name,
      categories: this.what.topic.categories,
      // Kafka carries personal data sealed, each event lifted to its latest version from opened values.
      store: publishedEvents(this.store),
      publisher: this.publisher,
      state: this.state,
      logger: this.logger,
      tracing: this.tracing,
    });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.state?.close();
  }

  async isReady() {
    const check = this.health.check('relay');
    if (!this.relay) return check.up({ mode: 'embedded log, nothing to relay' });
    const lag = await this.relay.lag();
    return check.up({ leader: this.relay.isLeader, lagPositions: lag.positions, lagSeconds: lag.seconds });
  }
}
