import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { ReadModelCollections } from '@okr/messaging';
import type { PageRequest } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import type { CheckInsReading } from './replay';
import { ReplayNamesQueries } from './replay-names';
import { replayPage, type ReplayPage, type TimelineFilter } from './replay-timeline';
import { replayCheckInsModel, replayVersionsModel, type ReplayCheckInsDoc, type ReplayVersionDoc } from './replay-timeline.read-model';

export class ReplayQuery extends Query<ReplayPage> {
  constructor(
    readonly tenantId: string,
    readonly asOf: Date,
    readonly filter: TimelineFilter,
    readonly page: PageRequest = {},
    readonly checkIns: CheckInsReading = 'known',
  ) {
    super();
  }
}

/**
 * One page of the replay from the temporal read model: the caller's tenant's versions valid at `asOf`,
 * the check-ins of that page's key results, and its learnings' and questions' own streams (opened as
 * the log reads now, so an erased person reads as erased). Never the log of other tenants.
 */
@QueryHandler(ReplayQuery)
export class ReplayHandler implements IQueryHandler<ReplayQuery> {
  private readonly collections: ReadModelCollections;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) readStore: ReadStore,
    private readonly names: ReplayNamesQueries,
  ) {
    this.collections = new ReadModelCollections(readStore);
  }

  async execute({ tenantId, asOf, filter, page, checkIns }: ReplayQuery): Promise<ReplayPage> {
    const timeline = {
      versions: await this.collections.of<ReplayVersionDoc>(replayVersionsModel),
      checkIns: await this.collections.of<ReplayCheckInsDoc>(replayCheckInsModel),
    };
    const read = (streamId: string, until: Date) => this.store.readStream(streamId, { until });
    const names = (teamIds: readonly string[], cycleIds: readonly string[]) => this.names.of(tenantId, { teamIds, cycleIds });
    return replayPage(timeline, read, tenantId, asOf, filter, page, names, checkIns);
  }
}
