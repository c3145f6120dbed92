import type { Provider } from '@nestjs/common';
import { INSIGHTS_CLOCK, RISK_SIGNALS_OPTIONS, riskSignalsOptionsFrom, systemClock } from './risk-signals.config';
import { RiskSignals } from './risk-signals';
import { GetKeyResultRiskHandler } from './risk.queries';

/** The risk signals and their query (needs the read models' providers, the event store and the read store). */
export const riskProviders = (): Provider[] => [
  { provide: RISK_SIGNALS_OPTIONS, useFactory: () => riskSignalsOptionsFrom(process.env) },
  { provide: INSIGHTS_CLOCK, useFactory: systemClock },
  RiskSignals,
  GetKeyResultRiskHandler,
];
