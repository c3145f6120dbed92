import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS, serviceFoundation } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import { SignInModule, createImportController, type OpenApiOptions, type PlatformConfig } from '@okr/platform';
import { ReadStoreModule } from '@okr/read-store';
import { CycleNames } from './cycles/cycle-names';
import { ChangeCycleHandler, PlanCycleHandler } from './cycles/cycle.commands';
import { CycleHttpController } from './cycles/cycle.http.controller';
import { GetCycleHandler, ListCyclesHandler } from './cycles/cycle.queries';
import { CarryOverObjectiveHandler } from './objectives/carry-over.command';
import { GoalsProjections } from './read-models/goals-projections';
import { ErasePersonHandler } from './people/erasure.commands';
import { ErasureHttpController } from './people/erasure.http.controller';
import { DescribeTeamHandler } from './teams/team.commands';
import { TeamHttpController } from './teams/team.http.controller';
import { GetTeamHandler, ListTeamsHandler } from './teams/team.queries';
import { AlignmentPolicy } from './objectives/alignment.policy';
import { ObjectiveCommandHandler } from './objectives/objective.commands';
import { ObjectiveHttpController } from './objectives/objective.http.controller';
import { GetObjectiveHandler, GetObjectiveHistoryHandler } from './objectives/objective.queries';
import { ListObjectivesHandler } from './objectives/objective-list.queries';
import { ObjectiveResource, TeamOfNewObjective } from './objectives/objective.resources';

/** The service's OpenAPI document (title, version, description): served by main, committed for the web app's client. */
export const GOALS_OPENAPI: OpenApiOptions = {
  title: 'OKR platform: goals',
  version: '1',
  description: 'Cycles, objectives, key results and alignment. Every change is an event kept forever.',
};

/** `POST /api/v1/imports/goals`: this service's own import route. */
const GoalsImportController = createImportController('goals');

/**
 * The goals service: cycles, objectives, key results, alignment and the teams registry. Writes
 * `cycle-*`, `objective-*` and `team-*` streams (and `cyclename-*`, the per-tenant reservations of
 * cycle names); its relay publishes the first three to `okr.goals.v1` when the bus is Kafka. Its
 * lists (cycles, teams, objectives) are read models in the read store (`OKR_READ_STORE`) following its own topic.
 */
@Module({})
export class GoalsModule {
  /** `logStream` lets tests capture the JSON log lines; services log to stdout. */
  static forRoot(config: PlatformConfig, logStream?: DestinationStream): DynamicModule {
    const foundation = serviceFoundation({ serviceName: 'goals', config, relay: TOPICS.goals, logStream });
    return {
      module: GoalsModule,
      imports: [...foundation.imports, ReadStoreModule.forRoot('goals'), SignInModule.forRoot(config)],
      controllers: [CycleHttpController, ObjectiveHttpController, TeamHttpController, GoalsImportController, ErasureHttpController],
      providers: [
        AlignmentPolicy,
        CycleNames,
        PlanCycleHandler,
        ChangeCycleHandler,
        GetCycleHandler,
        ListCyclesHandler,
        CarryOverObjectiveHandler,
        DescribeTeamHandler,
        ErasePersonHandler,
        GetTeamHandler,
        ListTeamsHandler,
        GoalsProjections,
        ObjectiveCommandHandler,
        GetObjectiveHandler,
        GetObjectiveHistoryHandler,
        ListObjectivesHandler,
        ObjectiveResource,
        TeamOfNewObjective,
        ...foundation.providers,
      ],
    };
  }
}
