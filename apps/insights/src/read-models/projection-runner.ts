import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  INTEGRATION_EVENT_CONSUMER,
  ReadModelRunner,
  TOPICS,
  type IntegrationEventConsumer,
} from '@okr/messaging';
import { ReadinessCheck, type ReadinessIndicator } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { INSIGHTS_READ_MODELS } from './read-models';

/** The topics every read model follows. */
export const INSIGHTS_TOPICS: readonly string[] = [TOPICS.goals.name, TOPICS.checkIns.name];

/** Insights' read models on the platform's one read-model runner (`@okr/messaging`). */
@ReadinessCheck()
@Injectable()
export class ProjectionRunner extends ReadModelRunner implements ReadinessIndicator {
  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) consumer: IntegrationEventConsumer,
    @Inject(READ_STORE) store: ReadStore,
    private readonly indicators: HealthIndicatorService,
  ) {
    // Sealed: personal fields stay in the read store as the events carry them, opened when read.
    super(consumer, store, { service: 'insights', topics: INSIGHTS_TOPICS, models: INSIGHTS_READ_MODELS, sealed: true });
  }

  /** Not ready while the consumers start or a read model that held nothing reads the log from its start. */
  async isReady(): Promise<HealthIndicatorResult> {
    const state = await this.readiness();
    const check = this.indicators.check('read-models');
    return state.ready ? check.up() : check.down(state.reason);
  }
}
