import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { INTEGRATION_EVENT_CONSUMER, ReadModelRunner, TOPICS, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import { ReadinessCheck, type ReadinessIndicator } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { cyclesListModel } from '../cycles/cycles.read-model';
import { objectiveListModel } from '../objectives/objective-list.read-model';
import { teamsModel } from '../teams/teams.read-model';

/** Goals' own read models, over its own topic: the lists of cycles, teams and objectives. */
export const GOALS_READ_MODELS: readonly ReadModel[] = [
  cyclesListModel as unknown as ReadModel,
  teamsModel as unknown as ReadModel,
  objectiveListModel as unknown as ReadModel,
];

/**
 * Goals' read models on the platform's one read-model runner: one consumer group per read model
 * (`goals.{model}`) over `okr.goals.v1` (in embedded mode, the `cycle`, `objective` and `team`
 * categories of the log). Lists are therefore eventually consistent with the writes, by the bus's lag.
 */
@ReadinessCheck()
@Injectable()
export class GoalsProjections extends ReadModelRunner implements ReadinessIndicator {
  constructor(
    @Inject(INTEGRATION_EVENT_CONSUMER) consumer: IntegrationEventConsumer,
    @Inject(READ_STORE) store: ReadStore,
    private readonly indicators: HealthIndicatorService,
  ) {
    // Sealed: what the lists copy of a person stays sealed in the read store; queries open it.
    super(consumer, store, { service: 'goals', topics: [TOPICS.goals.name], models: GOALS_READ_MODELS, sealed: true });
  }

  /** Not ready while the consumers start or a read model that held nothing reads the log from its start. */
  async isReady(): Promise<HealthIndicatorResult> {
    const state = await this.readiness();
    const check = this.indicators.check('read-models');
    return state.ready ? check.up() : check.down(state.reason);
  }
}
