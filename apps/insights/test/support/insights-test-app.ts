import { INTEGRATION_EVENT_CONSUMER, type IntegrationEventConsumer } from '@okr/messaging';
import { InsightsModule } from '../../src/app.module';
import { INSIGHTS_TOPICS, ProjectionRunner } from '../../src/read-models/projection-runner';
import { INSIGHTS_READ_MODELS } from '../../src/read-models/read-models';

import { caller, createServiceTestApp, eventually, startServiceApp, type Call, type CallOptions, type ServiceTestApp } from '@okr/platform/testing';

export { caller, eventually, startServiceApp, type Call, type CallOptions };

export type InsightsTestApp = ServiceTestApp;

/** The real insights module on a real SQLite store in a data folder (fresh unless given). */
export function createInsightsTestApp(dataDir?: string, env?: Readonly<Record<string, string>>): Promise<InsightsTestApp> {
  return createServiceTestApp('insights', (config, logs) => InsightsModule.forRoot(config, logs), {
    ...(dataDir ? { dataDir } : {}),
    ...(env ? { env } : {}),
  });
}

/**
 * Waits until every read model's group of the app has reached the head of the log (the events the test
 * wrote before): a read of several models then sees all of them, not one model ahead of another.
 */
export async function everyGroupCaughtUp(insights: InsightsTestApp, timeoutMs = 20_000): Promise<void> {
  const runner = insights.app.get(ProjectionRunner);
  const consumer = insights.app.get<IntegrationEventConsumer>(INTEGRATION_EVENT_CONSUMER);
  await runner.started();
  await eventually(
    async () => (await Promise.all(INSIGHTS_READ_MODELS.map((model) => consumer.caughtUp(runner.groupOf(model), INSIGHTS_TOPICS)))).every(Boolean),
    timeoutMs,
    'every read model of insights caught up with the log',
  );
}

/** A distinct instant strictly between what happened before and what happens after the call. */
export async function instantBetween(): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  const instant = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return instant;
}

// What insights-e2e's tests (insights beside the services whose events it reads) reach inside the app.
export { runAuditVerify } from '../../src/audit/audit-verify';
export { objectiveSummaryModel } from '../../src/projections';
export { AT_RISK_OPTIONS } from '../../src/read-models/at-risk.config';
export { INSIGHTS_TOPICS, ProjectionRunner } from '../../src/read-models/projection-runner';
export { INSIGHTS_READ_MODELS } from '../../src/read-models/read-models';
export { RISK_ACTOR, RiskSignals } from '../../src/risk/risk-signals';
export { INSIGHTS_CLOCK, type Clock } from '../../src/risk/risk-signals.config';
export { writeQuarterLog, type QuarterLog } from './quarter-log';
