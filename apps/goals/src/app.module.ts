import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@okr/event-store';
import type { DestinationStream } from 'pino';
import { EventStoreHealthIndicator, PlatformModule, idempotencyProviders, type PlatformConfig } from '@okr/platform';
import { CycleHttpController } from './cycles/cycle.http.controller';
import { GetCycleHandler, PlanCycleHandler } from './cycles/cycle.messages';
import { AlignmentPolicy } from './objectives/alignment.policy';
import { ObjectiveCommandHandler } from './objectives/objective.commands';
import { ObjectiveHttpController } from './objectives/objective.http.controller';
import { GetObjectiveHandler, GetObjectiveHistoryHandler } from './objectives/objective.queries';
import { eventStoreOptions } from './goals.config';

/** The goals service: cycles, objectives, key results and alignment. Writes `cycle-*` and `objective-*`. */
@Module({})
export class GoalsModule {
  /** `logStream` lets tests capture the JSON log lines; services log to stdout. */
  static forRoot(config: PlatformConfig, logStream?: DestinationStream): DynamicModule {
    return {
      module: GoalsModule,
      imports: [
        PlatformModule.forRoot({ serviceName: 'goals', config, ...(logStream ? { logStream } : {}) }),
        EventStoreModule.forRoot(eventStoreOptions(config)),
        CqrsModule.forRoot(),
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
