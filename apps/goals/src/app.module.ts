import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@okr/event-store';
import { MessagingModule, RelayModule, TOPICS } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import {
  EventStoreHealthIndicator,
  PlatformModule,
  eventStoreConfig,
  idempotencyProviders,
  type PlatformConfig,
} from '@okr/platform';
import { CycleHttpController } from './cycles/cycle.http.controller';
import { GetCycleHandler, PlanCycleHandler } from './cycles/cycle.messages';
import { AlignmentPolicy } from './objectives/alignment.policy';
import { ObjectiveCommandHandler } from './objectives/objective.commands';
import { ObjectiveHttpController } from './objectives/objective.http.controller';
import { GetObjectiveHandler, GetObjectiveHistoryHandler } from './objectives/objective.queries';

/**
 * The goals service: cycles, objectives, key results and alignment. Writes `cycle-*` and `objective-*`
 * streams; its relay publishes them to `okr.goals.v1` when the bus is Kafka.
 */
@Module({})
export class GoalsModule {
  /** `logStream` lets tests capture the JSON log lines; services log to stdout. */
  static forRoot(config: PlatformConfig, logStream?: DestinationStream): DynamicModule {
    return {
      module: GoalsModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'goals', config, ...(logStream ? { logStream } : {}) }),
        EventStoreModule.forRoot(eventStoreConfig(config)),
        CqrsModule.forRoot(),
        MessagingModule.forRoot('goals'),
        RelayModule.forService({ name: 'goals', topic: TOPICS.goals }),
      ],
      controllers: [CycleHttpController, ObjectiveHttpController],
      providers: [
        AlignmentPolicy,
        PlanCycleHandler,
        GetCycleHandler,
        ObjectiveCommandHandler,
        GetObjectiveHandler,
        GetObjectiveHistoryHandler,
        EventStoreHealthIndicator,
        ...idempotencyProviders(),
      ],
    };
  }
}
