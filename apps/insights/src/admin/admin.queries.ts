import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ProjectionAuditReport } from './projection-audit';
import { ProjectionAuditService } from './projection-audit.service';
import { RebuildService, type RebuildProgress } from './rebuilds.service';

export class GetRebuildProgressQuery extends Query<RebuildProgress> {
  /** `tenantId`: only that tenant's rebuilds are found (404 for another's); none: any rebuild. */
  constructor(
    readonly id: string,
    readonly tenantId?: string,
  ) {
    super();
  }
}

/** A rebuild's progress: running, switched or failed, events processed, position and head. */
@QueryHandler(GetRebuildProgressQuery)
export class GetRebuildProgressHandler implements IQueryHandler<GetRebuildProgressQuery> {
  constructor(private readonly rebuilds: RebuildService) {}

  async execute({ id, tenantId }: GetRebuildProgressQuery): Promise<RebuildProgress> {
    return this.rebuilds.get(id, tenantId);
  }
}

export class AuditProjectionsQuery extends Query<ProjectionAuditReport> {}

/** Every read model's applied revision per stream against the log's: drift = a missed or doubled event. */
@QueryHandler(AuditProjectionsQuery)
export class AuditProjectionsHandler implements IQueryHandler<AuditProjectionsQuery> {
  constructor(private readonly audit: ProjectionAuditService) {}

  execute(): Promise<ProjectionAuditReport> {
    return this.audit.run();
  }
}
