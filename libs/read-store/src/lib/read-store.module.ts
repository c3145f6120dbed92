import { join } from 'node:path';
import { Inject, Injectable, Logger, Module, Optional, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Metrics, PLATFORM_CONFIG, ReadinessCheck, type PlatformConfig, type ReadinessIndicator } from '@okr/platform';
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

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `/health/ready`'s `read-store` check: down while the embedded store loads its documents in the
 * background (the reason says how far it has come) and for good once that load failed (the reason says
 * why; every read fails with it). Up otherwise, and always on MongoDB (which loads nothing at start).
 */
@ReadinessCheck()
@Injectable()
export class ReadStoreReadiness implements ReadinessIndicator {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly indicators: HealthIndicatorService,
  ) {}

  isReady(): HealthIndicatorResult {
    const check = this.indicators.check('read-store');
    if (!(this.store instanceof EmbeddedReadStore)) return check.up();
    const failure = this.store.loadError();
    if (failure !== undefined) return check.down(`could not load its documents: ${errorText(failure)}`);
    const progress = this.store.loadingProgress();
    if (progress === undefined) return check.up();
    return check.down(`loading its documents: ${Math.floor(progress * 100)} % read`);
  }
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
    metrics.gauge({
      name: 'okr_read_store_loaded_ratio',
      help: "How much of the embedded read store's file its background load at start has read, 0 to 1 (1 once loaded; a failed load stays where it stopped)",
      collect() {
        this.set(store.loadingProgress() ?? 1);
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
        ReadStoreReadiness,
      ],
      exports: [READ_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
