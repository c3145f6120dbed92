import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { INTEGRATION_EVENT_CONSUMER, ReadModelRunner, TOPICS, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import { ReadinessCheck, type ReadinessIndicator } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { questionsIndexModel } from '../questions/questions.read-model';
import { knownGoalsModel } from './known-goals.read-model';
import { checkInKeysModel, learningsIndexModel } from './own-events.read-models';

/**
 * Check-ins' read models on the platform's one runner, following one topic: one consumer group per
 * read model (`check-ins.{model}`, recorded in the read store so that the replicas sharing the store
 * share it), each event applied once with its `_applied` record in one read-store transaction.
 */
abstract class CheckInsRunner extends ReadModelRunner {
  constructor(
    bus: IntegrationEventConsumer,
    store: ReadStore,
    topic: string,
    models: readonly ReadModel[],
    sealed = false,
  ) {
    super(bus, store, { service: 'check-ins', topics: [topic], models, sealed });
  }
}

/** What check-ins knows of goals, from `okr.goals.v1` (group `check-ins.check-ins-known-goals-v{n}`). */
@Injectable()
export class KnownGoalsRunner extends CheckInsRunner {
  constructor(@Inject(INTEGRATION_EVENT_CONSUMER) consumer: IntegrationEventConsumer, @Inject(READ_STORE) store: ReadStore) {
    // Sealed: the owner it keeps stays sealed in the read store (CheckInsView opens it).
    super(consumer, store, TOPICS.goals.name, [knownGoalsModel as unknown as ReadModel], true);
  }
}

/** The service's own events read back: where each check-in lives, learnings and questions by objective. */
@Injectable()
export class OwnEventsRunner extends CheckInsRunner {
  constructor(@Inject(INTEGRATION_EVENT_CONSUMER) consumer: IntegrationEventConsumer, @Inject(READ_STORE) store: ReadStore) {
    super(consumer, store, TOPICS.checkIns.name, [checkInKeysModel, learningsIndexModel, questionsIndexModel] as unknown as ReadModel[]);
  }
}

/**
 * `/health/ready`'s `read-models`: down while the runners' consumers start, or while a read model that
 * held nothing at start (a new store, a new version) reads the log from its start ("catching up");
 * ready once each has caught up, and then it stays ready through ordinary lag.
 */
@ReadinessCheck()
@Injectable()
export class ReadModelsReadiness implements ReadinessIndicator {
  constructor(
    private readonly goals: KnownGoalsRunner,
    private readonly own: OwnEventsRunner,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isReady(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('read-models');
    for (const runner of [this.goals, this.own]) {
      const state = await runner.readiness();
      if (!state.ready) return check.down(state.reason);
    }
    return check.up();
  }
}
