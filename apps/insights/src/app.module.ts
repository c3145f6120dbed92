import { Module, type DynamicModule } from '@nestjs/common';
import { serviceFoundation } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import type { PlatformConfig } from '@okr/platform';
import { AuditHttpController } from './audit/audit.http.controller';
import { GetAuditTrailHandler } from './audit/audit.queries';
import { ReplayHttpController } from './replay/replay.http.controller';
import { ReplayHandler } from './replay/replay.queries';

/**
 * The insights service: read-only views over every service's events. It owns no streams (no relay);
 * replay and audit read the shared event store's log directly, always filtered to the caller's tenant.
 */
@Module({})
export class InsightsModule {
  /** `logStream` lets tests capture the JSON log lines; services log to stdout. */
  static forRoot(config: PlatformConfig, logStream?: DestinationStream): DynamicModule {
    const foundation = serviceFoundation({ serviceName: 'insights', config, logStream });
    return {
      module: InsightsModule,
      imports: foundation.imports,
      controllers: [ReplayHttpController, AuditHttpController],
      providers: [ReplayHandler, GetAuditTrailHandler, ...foundation.providers],
    };
  }
}
