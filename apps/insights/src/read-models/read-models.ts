import type { ReadModel } from '@okr/messaging';
import { keyResultSeriesModel, learningsFeedModel, objectiveSummaryModel, questionsModel } from '../projections';
import { replayCheckInsModel, replayVersionsModel } from '../replay/replay-timeline.read-model';
import { cyclesModel } from './cycles.read-model';
import { teamsModel } from './teams.read-model';

/** Every read model the insights service keeps, each followed by its own consumer group. */
export const INSIGHTS_READ_MODELS: readonly ReadModel[] = [
  objectiveSummaryModel as unknown as ReadModel,
  keyResultSeriesModel as unknown as ReadModel,
  learningsFeedModel as unknown as ReadModel,
  cyclesModel as unknown as ReadModel,
  teamsModel as unknown as ReadModel,
  questionsModel as unknown as ReadModel,
  replayVersionsModel as unknown as ReadModel,
  replayCheckInsModel as unknown as ReadModel,
];
