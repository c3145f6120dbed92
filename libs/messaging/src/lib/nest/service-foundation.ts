import type { DynamicModule, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DestinationStream } from 'pino';
import { EventStoreModule } from '@okr/event-store';
import { EventSchemasModule, EventStoreHealthIndicator, PlatformModule, eventStoreConfig, idempotencyProviders, type PlatformConfig } from '@okr/platform';
import { AsyncApiModule } from './asyncapi.module';
import { MessagingModule } from './messaging.module';
import { RelayModule } from './relay.module';
import type { RelayTopic } from './relay.service';

export interface ServiceFoundationOptions {
  serviceName: string;
  config: PlatformConfig;
  /** The topic of the streams this service owns, relayed to Kafka; omit for a service that owns none. */
  relay?: RelayTopic['topic'];
  /** Tests capture the JSON log lines here; services log to stdout. */
  logStream?: DestinationStream;
}

/**
 * What every service of the platform stands on, so each root module lists only its own parts: the
 * platform plumbing, the event store, the CQRS buses, the bus from `OKR_BUS`, the relay of its own
 * streams, the event-store readiness check, `Idempotency-Key` on writes and the event schema catalogue.
 */
export function serviceFoundation(options: ServiceFoundationOptions): { imports: DynamicModule[]; providers: Provider[] } {
  const { serviceName, config, relay, logStream } = options;
  return {
    imports: [
      PlatformModule.forRoot({ serviceName, config, ...(logStream ? { logStream } : {}) }),
      EventStoreModule.forRoot(eventStoreConfig(config)),
      CqrsModule.forRoot(),
      MessagingModule.forRoot(serviceName),
      ...(relay ? [RelayModule.forService({ name: serviceName, topic: relay })] : []),
      // The same event schema catalogue from every service, so the gateway may send it to any.
      { module: EventSchemasModule },
      // ... and the AsyncAPI document of the topics those schemas travel on.
      { module: AsyncApiModule },
    ],
    providers: [EventStoreHealthIndicator, ...idempotencyProviders()],
  };
}
