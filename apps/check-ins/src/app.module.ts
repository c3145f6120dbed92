import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS, serviceFoundation } from '@okr/messaging';
import type { DestinationStream } from 'pino';
import { createImportController, type OpenApiOptions, type PlatformConfig } from '@okr/platform';
import { ReadStoreModule } from '@okr/read-store';
import { CHECK_IN_RULES, checkInRulesFrom } from './check-ins/check-in-rules.config';
import { CorrectCheckInHandler, RecordCheckInHandler } from './check-ins/check-in.commands';
import { CheckInHttpController } from './check-ins/check-in.http.controller';
import { ListCheckInsHandler } from './check-ins/check-in.queries';
import { RecordMeasurementsHandler } from './integrations/measurement.commands';
import { MeasurementHttpController } from './integrations/measurement.http.controller';
import { ChangeServiceAccountsHandler, ListServiceAccountsHandler } from './integrations/service-account.commands';
import { ServiceAccountHttpController } from './integrations/service-account.http.controller';
import { LearningCommandHandler } from './learnings/learning.commands';
import { LearningHttpController } from './learnings/learning.http.controller';
import { GetLearningHandler, GetLearningHistoryHandler, ListLearningsHandler } from './learnings/learning.queries';
import { AskQuestionHandler, FollowUpQuestionHandler } from './questions/question.commands';
import { QuestionHttpController } from './questions/question.http.controller';
import { GetQuestionHandler, ListObjectiveQuestionsHandler } from './questions/question.queries';
import { CheckInsView } from './view/check-ins.view';
import { KnownGoalsRunner, OwnEventsRunner, ReadModelsReadiness } from './view/view.runners';
import { CheckInResource, KeyResultResource, LearningResource, NewLearningResource, QuestionResource } from './view/goal.resources';

/** The service's OpenAPI document (title, version, description): served by main, committed for the web app's client. */
export const CHECK_INS_OPENAPI: OpenApiOptions = {
  title: 'OKR platform: check-ins',
  version: '1',
  description:
    'Weekly check-ins on key results (value, confidence, note, blockers), corrected without erasing, read as of a moment ' +
    'or as known at a moment; and learnings: what was tried, what came of it, and the evidence.',
};

/** `POST /api/v1/imports/check-ins`: this service's own import route. */
const CheckInsImportController = createImportController('check-ins');

/**
 * The check-ins service: check-ins of key results, learnings and questions. Writes `checkins-*`,
 * `learning-*` and `question-*` streams; its relay publishes them to `okr.checkins.v1` when the bus is Kafka. It knows goals only
 * through `okr.goals.v1`, projected into its read models in the read store (`OKR_READ_STORE`, shared by
 * its replicas); it never calls the goals service.
 */
@Module({})
export class CheckInsModule {
  /** `logStream` lets tests capture the JSON log lines; services log to stdout. */
  static forRoot(config: PlatformConfig, logStream?: DestinationStream): DynamicModule {
    const foundation = serviceFoundation({ serviceName: 'check-ins', config, relay: TOPICS.checkIns, logStream });
    return {
      module: CheckInsModule,
      imports: [...foundation.imports, ReadStoreModule.forRoot('check-ins')],
      controllers: [CheckInHttpController, LearningHttpController, QuestionHttpController, ServiceAccountHttpController, MeasurementHttpController, CheckInsImportController],
      providers: [
        { provide: CHECK_IN_RULES, useFactory: () => checkInRulesFrom(process.env) },
        KnownGoalsRunner,
        OwnEventsRunner,
        ReadModelsReadiness,
        CheckInsView,
        RecordCheckInHandler,
        CorrectCheckInHandler,
        ListCheckInsHandler,
        LearningCommandHandler,
        GetLearningHandler,
        GetLearningHistoryHandler,
        ListLearningsHandler,
        ChangeServiceAccountsHandler,
        ListServiceAccountsHandler,
        RecordMeasurementsHandler,
        AskQuestionHandler,
        FollowUpQuestionHandler,
        GetQuestionHandler,
        ListObjectiveQuestionsHandler,
        KeyResultResource,
        CheckInResource,
        NewLearningResource,
        LearningResource,
        QuestionResource,
        ...foundation.providers,
      ],
    };
  }
}
