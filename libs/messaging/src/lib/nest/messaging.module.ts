import { join } from 'node:path';
import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { EVENT_STORE, PERSONAL_DATA_KEY_STORE, PersonalDataProtection, type EventStore, type PersonalDataKeyStore } from '@okr/event-store';
import { Metrics, PLATFORM_CONFIG, Tracing, embeddedEventsFile, type PlatformConfig } from '@okr/platform';
import { EmbeddedConsumer } from '../embedded/embedded-consumer';
import { KafkaConsumer } from '../kafka/kafka-consumer';
import type { KafkaConfig } from '../kafka/kafka-config';
import { KafkaPublisher } from '../kafka/kafka-publisher';
import { kafkaSecurityOf } from './kafka-security-of';
import { OpeningConsumer } from '../opening-consumer';
import { ObservedConsumer } from '../observability/observed-consumer';
import {
  INTEGRATION_EVENT_CONSUMER,
  INTEGRATION_EVENT_PUBLISHER,
  type IntegrationEventConsumer,
  type IntegrationEventPublisher,
} from '../messaging.port';

/**
 * The Kafka settings of the platform configuration, for a client named after the service. Reads the
 * TLS files named by the configuration.
 */
export const kafkaConfigOf = (config: PlatformConfig, clientId: string): KafkaConfig => ({
  brokers: [...(config.KAFKA_BROKERS ?? [])],
  clientId,
  idempotent: config.KAFKA_IDEMPOTENT,
  sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
  heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
  maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS,
  security: kafkaSecurityOf(config),
});

/**
 * Where the embedded bus keeps its groups: the events file itself in embedded mode (checkpoints and
 * events in one place), a file of its own in the data folder when the log lives in KurrentDB.
 */
const embeddedBusFile = (config: PlatformConfig): string =>
  config.OKR_EVENT_STORE === 'sqlite' ? embeddedEventsFile(config) : join(config.OKR_DATA_DIR, 'bus.sqlite');

/**
 * Binds the messaging ports to the configured bus (`OKR_BUS`): Kafka, or the event store's own log.
 * Needs `PlatformModule` and `EventStoreModule` (both global). The publisher exists with Kafka only:
 * in embedded mode the log is the bus and nothing is published. Whichever the bus, every handler runs
 * in a span continuing its event's trace (`ObservedConsumer`).
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) private readonly consumer: IntegrationEventConsumer,
    @Inject(INTEGRATION_EVENT_PUBLISHER) private readonly publisher: IntegrationEventPublisher | null,
  ) {}

  static forRoot(serviceName: string): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: INTEGRATION_EVENT_CONSUMER,
          inject: [PLATFORM_CONFIG, EVENT_STORE, PERSONAL_DATA_KEY_STORE, PinoLogger, Tracing, Metrics],
          useFactory: (
            config: PlatformConfig,
            store: EventStore,
            keys: PersonalDataKeyStore | null,
            logger: PinoLogger,
            tracing: Tracing,
            metrics: Metrics,
          ): IntegrationEventConsumer => {
            logger.setContext('messaging');
            // The embedded bus reads the log through the (opening) event store; Kafka carries it sealed.
            if (config.OKR_BUS !== 'kafka') return new ObservedConsumer(new EmbeddedConsumer({ store, file: embeddedBusFile(config), logger }), tracing, 'okr-embedded', metrics);
            const kafka = new KafkaConsumer(kafkaConfigOf(config, serviceName), logger);
            return new ObservedConsumer(keys ? new OpeningConsumer(kafka, new PersonalDataProtection(keys)) : kafka, tracing, 'kafka', metrics);
          },
        },
        {
          provide: INTEGRATION_EVENT_PUBLISHER,
          inject: [PLATFORM_CONFIG, PinoLogger],
          useFactory: (config: PlatformConfig, logger: PinoLogger): IntegrationEventPublisher | null => {
            logger.setContext('messaging');
            return config.OKR_BUS === 'kafka' ? new KafkaPublisher(kafkaConfigOf(config, serviceName), logger) : null;
          },
        },
      ],
      exports: [INTEGRATION_EVENT_CONSUMER, INTEGRATION_EVENT_PUBLISHER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.close();
    await this.publisher?.close();
  }
}
