import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS, serviceFoundation } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import type { OpenApiOptions, PlatformConfig } from '@okr/platform';
import { ReadStoreModule } from '@okr/read-store';
import { AdminHttpController } from './admin/admin.http.controller';
import { adminProviders } from './admin/admin.providers';
import { AuditHttpController } from './audit/audit.http.controller';
import { GetAuditTrailHandler } from './audit/audit.queries';
import { ExportAuditHandler, VerifyStreamChainHandler } from './audit/audit-chain.queries';
import { ReplayHttpController } from './replay/replay.http.controller';
import { ReplayHandler } from './replay/replay.queries';
import { ReplayNamesQueries } from './replay/replay-names';
import { ReadModelsHttpController } from './read-models/read-models.http.controller';
import { readModelProviders } from './read-models/read-models.providers';
import { FramesHttpController } from './frames/frames.http.controller';
import { FramesHandler } from './frames/frames.queries';
import { RiskHttpController } from './risk/risk.http.controller';
import { riskProviders } from './risk/risk.providers';
import { AlignmentTreeHttpController } from './tree/alignment-tree.http.controller';
import { GetAlignmentTreeHandler } from './tree/alignment-tree.queries';

/** The service's OpenAPI document (title, version, description): served by main, committed for the web app's client. */
export const INSIGHTS_OPENAPI: OpenApiOptions = {
  title: 'OKR platform: insights',
  version: '1',
  description:
    "Replay of a tenant's objectives, key results, check-ins and learnings exactly as they stood at any instant, " +
    'computed from the events; and the audit timeline of any objective, cycle, check-in or learning stream.',
};

/**
 * The insights service: read-only views over every service's events; replay and audit read the shared
 * event store's log directly; the live views are read models kept in the read store (`OKR_READ_STORE`)
 * by the projection runner. Always filtered to the caller's tenant. It owns one category of streams,
 * `insight-{keyResultId}` (key result at risk / back on track, derived by `RiskSignals`), which its
 * relay publishes to `okr.insights.v1` when the bus is Kafka.
 */
@Module({})
export class InsightsModule {
  /** `logStream` lets tests capture the JSON log lines; services log to stdout. */
  static forRoot(config: PlatformConfig, logStream?: DestinationStream): DynamicModule {
    const foundation = serviceFoundation({ serviceName: 'insights', config, relay: TOPICS.insights, logStream });
    return {
      module: InsightsModule,
      imports: [...foundation.imports, ReadStoreModule.forRoot('insights')],
      controllers: [
        ReplayHttpController,
        FramesHttpController,
        AuditHttpController,
        ReadModelsHttpController,
        AlignmentTreeHttpController,
        AdminHttpController,
        RiskHttpController,
      ],
      providers: [
        ReplayHandler,
        ReplayNamesQueries,
        FramesHandler,
        GetAuditTrailHandler,
        VerifyStreamChainHandler,
        ExportAuditHandler,
        GetAlignmentTreeHandler,
        ...readModelProviders(),
        ...adminProviders(),
        ...riskProviders(),
        ...foundation.providers,
      ],
    };
  }
}
