import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CheckInsModule } from '@okr/check-ins-app';
import { GoalsModule } from '@okr/goals-app';
import { InsightsModule } from '@okr/insights-app';
import { startServiceApp } from '@okr/platform/testing';

export interface OtherServices {
  goals: NestFastifyApplication;
  checkIns: NestFastifyApplication;
  insights: NestFastifyApplication;
  close(): Promise<void>;
}

/** Goals, check-ins and insights on the same data folder (the event log is the bus). */
export async function startOtherServices(dataDir: string): Promise<OtherServices> {
  const goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), dataDir);
  const checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), dataDir);
  const insights = await startServiceApp((config, logs) => InsightsModule.forRoot(config, logs), dataDir);
  return {
    goals,
    checkIns,
    insights,
    async close() {
      await insights.close();
      await checkIns.close();
      await goals.close();
    },
  };
}
