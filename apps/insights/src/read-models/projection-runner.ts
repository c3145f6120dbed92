import { Inject, Injectable } from '@nestjs/common';
import {
  INTEGRATION_EVENT_CONSUMER,
  ReadModelRunner,
  TOPICS,
  type IntegrationEventConsumer,
} from '@okr/messaging';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { INSIGHTS_READ_MODELS } from './read-models';

/** The topics every read model follows. */
export const INSIGHTS_TOPICS: readonly string[] = [TOPICS.goals.name, TOPICS.checkIns.name];

/** Insights' read models on the platform's one read-model runner (`@okr/messaging`). */
@Injectable()
export class ProjectionRunner extends ReadModelRunner {
  constructor(@Inject(INTEGRATION_EVENT_CONSUMER) consumer: IntegrationEventConsumer, @Inject(READ_STORE) store: ReadStore) {
    super(consumer, store, { service: 'insights', topics: INSIGHTS_TOPICS, models: INSIGHTS_READ_MODELS });
  }
}
