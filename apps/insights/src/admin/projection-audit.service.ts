import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Gauge } from 'prom-client';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { Metrics, ReadinessCheck, type ReadinessIndicator } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { INSIGHTS_READ_MODELS } from '../read-models/read-models';
import { auditProjections, driftCount, type ProjectionAuditReport } from './projection-audit';

/** How long the HTTP audit waits before its second look at drifting streams (consumer lag). */
export const AUDIT_SETTLE_MS = 500;

/** Runs the projection audit in the service and keeps the last result for readiness. */
@Injectable()
export class ProjectionAuditService {
  private last: { report: ProjectionAuditReport; auditedAt: string } | undefined;
  private readonly drift: Gauge<'read_model'>;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    metrics: Metrics,
  ) {
    this.drift = metrics.gauge({
      name: 'okr_projection_drift_streams',
      help: 'Streams whose applied revision in a read model differs from the log, at the last projection audit',
      labelNames: ['read_model'],
    });
  }

  async run(): Promise<ProjectionAuditReport> {
    const report = await auditProjections(this.events, this.store, INSIGHTS_READ_MODELS, { settleMs: AUDIT_SETTLE_MS });
    this.last = { report, auditedAt: new Date().toISOString() };
    for (const model of report.readModels) this.drift.set({ read_model: model.name }, model.drift.length);
    return report;
  }

  /** The drift count of the last audit (null before the first one) and when it ran. */
  lastResult(): { drift: number | null; auditedAt: string | null } {
    return this.last ? { drift: driftCount(this.last.report), auditedAt: this.last.auditedAt } : { drift: null, auditedAt: null };
  }
}

/**
 * `/health/ready` detail `projection-audit: {drift, auditedAt}` from the last audit. Always up: drift
 * is a finding for operators (rebuild the read model), not a reason to stop serving.
 */
@ReadinessCheck()
@Injectable()
export class ProjectionAuditReadiness implements ReadinessIndicator {
  constructor(
    private readonly audit: ProjectionAuditService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  isReady(): HealthIndicatorResult {
    return this.indicators.check('projection-audit').up(this.audit.lastResult());
  }
}
