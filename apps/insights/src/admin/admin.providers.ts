import type { Provider } from '@nestjs/common';
import { AuditProjectionsHandler, GetRebuildProgressHandler } from './admin.queries';
import { ProjectionAuditReadiness, ProjectionAuditService } from './projection-audit.service';
import { StartRebuildHandler } from './rebuild.commands';
import { RebuildService } from './rebuilds.service';

/** Rebuilds and the projection audit, with their handlers (need the read-model providers, `READ_STORE` and `EVENT_STORE`). */
export const adminProviders = (): Provider[] => [
  RebuildService,
  ProjectionAuditService,
  ProjectionAuditReadiness,
  StartRebuildHandler,
  GetRebuildProgressHandler,
  AuditProjectionsHandler,
];
