import { ReadModelRunner, type IntegrationEventConsumer, type ReadModel } from '@okr/messaging';
import type { EmbeddedReadStore } from '@okr/read-store';
import type { replayAt } from '../replay';
import type { StreamReader, TimelineCollections } from '../replay-timeline';
import { replayCheckInsModel, replayVersionsModelOf, type ReplayCheckInsDoc, type ReplayVersionDoc } from '../replay-timeline.read-model';
import type { RandomHistory } from './random-history';

/** Builds the temporal read model from a history through the shared runner, the way insights does. */
export async function timelineOf(history: RandomHistory, store: EmbeddedReadStore): Promise<TimelineCollections> {
  const runner = new ReadModelRunner({} as IntegrationEventConsumer, store, { service: 'insights', topics: [], models: [] });
  // Blocks of 3 objectives: pages span blocks, and blocks pages.
  const replayVersionsModel = replayVersionsModelOf(3);
  for (const model of [replayVersionsModel, replayCheckInsModel] as unknown as ReadModel[]) {
    for (let i = 0; i < history.events.length; i += 50) await runner.applyBatch(model, history.events.slice(i, i + 50));
  }
  return {
    versions: await store.collection<ReplayVersionDoc>({ name: replayVersionsModel.name, indexes: replayVersionsModel.indexes }),
    checkIns: await store.collection<ReplayCheckInsDoc>({ name: replayCheckInsModel.name, indexes: replayCheckInsModel.indexes }),
  };
}

/** Reads one stream of the history, as the event store's `readStream(streamId, { until })` does. */
export const readerOf =
  (history: RandomHistory): StreamReader =>
  async function* (streamId, until) {
    for (const event of history.events) if (event.streamId === streamId && Date.parse(event.metadata.occurredAt) <= until.getTime()) yield event;
  };

/** The history as the fold reads it (integration events carry the envelope's fields). */
export const logOf = (history: RandomHistory): Parameters<typeof replayAt>[0] => history.events as unknown as Parameters<typeof replayAt>[0];
