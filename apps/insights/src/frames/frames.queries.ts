import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { ReadModelCollections } from '@okr/messaging';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { ReplayNamesQueries } from '../replay/replay-names';
import { replayCheckInsModel, replayVersionsModel, type ReplayCheckInsDoc, type ReplayVersionDoc } from '../replay/replay-timeline.read-model';
import type { FramesRequest, FramesView } from './frames';
import { framesFromTimeline } from './frames-timeline';

export class FramesQuery extends Query<FramesView> {
  constructor(
    readonly tenantId: string,
    readonly request: FramesRequest,
  ) {
    super();
  }
}

/**
 * Reads the temporal read model ONCE for the whole film (the tenant's versions overlapping the frames,
 * their key results' check-ins, their learnings' streams), then picks each frame's instant from it.
 */
@QueryHandler(FramesQuery)
export class FramesHandler implements IQueryHandler<FramesQuery> {
  private readonly collections: ReadModelCollections;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) readStore: ReadStore,
    private readonly names: ReplayNamesQueries,
  ) {
    this.collections = new ReadModelCollections(readStore);
  }

  async execute({ tenantId, request }: FramesQuery): Promise<FramesView> {
    const timeline = {
      versions: await this.collections.of<ReplayVersionDoc>(replayVersionsModel),
      checkIns: await this.collections.of<ReplayCheckInsDoc>(replayCheckInsModel),
    };
    const names = (teamIds: readonly string[], cycleIds: readonly string[]) => this.names.of(tenantId, { teamIds, cycleIds });
    return framesFromTimeline(timeline, (streamId, until) => this.store.readStream(streamId, { until }), tenantId, request, names);
  }
}
