import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { openEventStore, type EventStoreConfig } from './open-event-store';

/**
 * Provides the {@link EventStore} port under the `EVENT_STORE` token to the whole application, and
 * closes the store when the application shuts down (`app.close()`, or a signal with
 * `enableShutdownHooks()`).
 *
 * @example EventStoreModule.forRoot({ kind: 'sqlite', file: join(dataDir, 'events.db') })
 */
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(config: EventStoreConfig): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [{ provide: EVENT_STORE, useFactory: () => openEventStore(config) }],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
