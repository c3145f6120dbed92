import type { Provider } from '@nestjs/common';
import { ProjectionAuditReadiness, ProjectionAuditService } from './projection-audit.service';
import { RebuildService } from './rebuilds.service';

/** Rebuilds and the projection audit (need the read-model providers, `READ_STORE` and `EVENT_STORE`). */
export const adminProviders = (): Provider[] => [RebuildService, ProjectionAuditService, ProjectionAuditReadiness];
