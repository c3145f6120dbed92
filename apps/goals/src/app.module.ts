import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS, serviceFoundation } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import { ImportController, type PlatformConfig } from '@okr/platform';
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
    const foundation = serviceFoundation({ serviceName: 'goals', config, relay: TOPICS.goals, logStream });
    return {
      module: GoalsModule,
      imports: foundation.imports,
      controllers: [CycleHttpController, ObjectiveHttpController, ImportController],
      providers: [
        AlignmentPolicy,
        PlanCycleHandler,
        GetCycleHandler,
        ObjectiveCommandHandler,
        GetObjectiveHandler,
        GetObjectiveHistoryHandler,
        ...foundation.providers,
      ],
    };
  }
}
