import type { Provider } from '@nestjs/common';
import { AT_RISK_OPTIONS, atRiskOptionsFrom } from './at-risk.config';
import { ProjectionRunner } from './projection-runner';
import { ReadModelReader } from './read-model-reader';
import { GetKeyResultSeriesHandler, GetObjectiveSummaryHandler, ListAtRiskHandler, ListLearningsFeedHandler } from './read-models.queries';
import { GetTeamDashboardHandler } from './team-dashboard.queries';

/** The read models' runner and query handlers (needs `ReadStoreModule` and the messaging module). */
export const readModelProviders = (): Provider[] => [
  { provide: AT_RISK_OPTIONS, useFactory: () => atRiskOptionsFrom(process.env) },
  ProjectionRunner,
  ReadModelReader,
  GetObjectiveSummaryHandler,
  GetKeyResultSeriesHandler,
  ListAtRiskHandler,
  ListLearningsFeedHandler,
  GetTeamDashboardHandler,
];
