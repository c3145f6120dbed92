import { join } from 'node:path';
import { Inject, Logger, Module, Optional, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Metrics, PLATFORM_CONFIG, type PlatformConfig } from '@okr/platform';
import { EmbeddedReadStore } from './embedded/embedded-read-store';
import { MongoReadStore } from './mongodb/mongo-read-store';
import { READ_STORE, type ReadStore } from './read-store.port';

/** The embedded read store's file of a service: `{OKR_DATA_DIR}/{serviceName}.read.sqlite`. */
export const embeddedReadStoreFile = (config: Pick<PlatformConfig, 'OKR_DATA_DIR'>, serviceName: string): string =>
  join(config.OKR_DATA_DIR, `${serviceName}.read.sqlite`);

const logger = new Logger('ReadStore');

/** Opens the read store the validated platform configuration chose (`OKR_READ_STORE`). */
export async function openReadStore(config: PlatformConfig, serviceName: string): Promise<ReadStore> {
  if (config.OKR_READ_STORE === 'mongodb') {
    // The configuration validated that MONGO_URL is set whenever OKR_READ_STORE=mongodb.
    return MongoReadStore.connect({ url: config.MONGO_URL as string });
  }
  const cacheMb = config.OKR_READ_STORE_CACHE_MB;
  // In the background: the service listens (/health/live) while a large store's documents load, and
  // its read models (and so its readiness) wait for them.
  const file = embeddedReadStoreFile(config, serviceName);
  const store = EmbeddedReadStore.open({ file, loadInBackground: true, ...(cacheMb === undefined ? {} : { cacheBytes: cacheMb * 2 ** 20 }) });
  const started = performance.now();
  store.loaded().then(
    () => logger.log({ file, ms: Math.round(performance.now() - started) }, 'read store loaded'),
    (error: unknown) => logger.error({ file, error: error instanceof Error ? error.message : String(error) }, 'read store could not load its documents'),
  );
  return store;
}

/**
 * Binds `READ_STORE` (global) to MongoDB or the embedded store, per `OKR_READ_STORE`, and closes it
 * on shutdown (after the consumers writing to it stopped in `onModuleDestroy`). Needs `PlatformModule`.
 */
@Module({})
export class ReadStoreModule implements OnApplicationShutdown {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore, @Optional() metrics?: Metrics) {
    if (!(store instanceof EmbeddedReadStore) || !metrics) return;
    metrics.gauge({
      name: 'okr_read_store_cache_bytes',
      help: "The embedded read store's documents kept parsed, in bytes of their JSON text (state=used), and its budget (state=budget: OKR_READ_STORE_CACHE_MB)",
      labelNames: ['state'],
      collect() {
        const { bytes, budget } = store.cacheUsage();
        this.set({ state: 'used' }, bytes);
        this.set({ state: 'budget' }, budget);
      },
    });
    metrics.gauge({
      name: 'okr_read_store_cache_file_reads',
      help: "Documents the embedded read store read back from its file since start, because they were not in its cache",
      collect() {
        this.set(store.cacheUsage().fileReads);
      },
    });
  }

  static forRoot(serviceName: string): DynamicModule {
    return {
      module: ReadStoreModule,
      global: true,
      providers: [
        {
          provide: READ_STORE,
          inject: [PLATFORM_CONFIG],
          useFactory: (config: PlatformConfig): Promise<ReadStore> => openReadStore(config, serviceName),
        },
      ],
      exports: [READ_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
