import type { Provider } from '@nestjs/common';
import { AT_RISK_OPTIONS, atRiskOptionsFrom } from './at-risk.config';
import { ProjectionRunner } from './projection-runner';
import { ReadModelQueries } from './read-models.queries';

/** The read models' runner and queries (needs `ReadStoreModule` and the messaging module). */
export const readModelProviders = (): Provider[] => [
  { provide: AT_RISK_OPTIONS, useFactory: () => atRiskOptionsFrom(process.env) },
  ProjectionRunner,
  ReadModelQueries,
];
