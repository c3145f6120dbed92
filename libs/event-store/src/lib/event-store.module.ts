import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { openEventStore, type EventStoreConfig } from './open-event-store';
import { PERSONAL_DATA_KEY_STORE, type PersonalDataKeyStore } from './personal-data/key-store.port';
import { ProtectedEventStore } from './personal-data/protected-event-store';

/**
 * Provides the {@link EventStore} port under the `EVENT_STORE` token to the whole application, and
 * the personal-data key store under `PERSONAL_DATA_KEY_STORE` (null when the config names none), and
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
      providers: [
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        {
          provide: PERSONAL_DATA_KEY_STORE,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore): PersonalDataKeyStore | null => (store instanceof ProtectedEventStore ? store.keys : null),
        },
      ],
      exports: [EVENT_STORE, PERSONAL_DATA_KEY_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
