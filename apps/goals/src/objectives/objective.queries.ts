import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import { OBJECTIVE_CATEGORY, notFound, objectiveDecider, streamName } from '@okr/okr-domain';
import { pageHistory, streamHistory, type HistoryEntry, type Page, type PageRequest } from '@okr/platform';
import { toObjectiveView, type ObjectiveView } from './objective.view';

const objectiveNotFound = (objectiveId: string, asOf?: Date) =>
  notFound(
    'objective-not-found',
    asOf ? 'This objective did not exist at that instant' : 'This objective does not exist',
    asOf ? { objectiveId, asOf: asOf.toISOString() } : { objectiveId },
  );

/** The objective now, or as it stood at `asOf` (the same fold, stopped at an instant). */
export class GetObjectiveQuery extends Query<ObjectiveView> {
  constructor(
    readonly tenantId: string,
    readonly objectiveId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetObjectiveQuery)
export class GetObjectiveHandler implements IQueryHandler<GetObjectiveQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, objectiveId, asOf }: GetObjectiveQuery): Promise<ObjectiveView> {
    const stream = streamName(OBJECTIVE_CATEGORY, objectiveId);
    const loaded = await loadAggregate(this.store, stream, objectiveDecider, tenantId, asOf);
    if (loaded.state.status === 'empty' || loaded.revision === 'no_stream' || !loaded.last) {
      throw objectiveNotFound(objectiveId, asOf);
    }
    return toObjectiveView(loaded.state, loaded.revision, loaded.last, asOf);
  }
}

/** One page of an objective's events, oldest first: who changed what, when and why. */
export class GetObjectiveHistoryQuery extends Query<Page<HistoryEntry>> {
  constructor(
    readonly tenantId: string,
    readonly objectiveId: string,
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

@QueryHandler(GetObjectiveHistoryQuery)
export class GetObjectiveHistoryHandler implements IQueryHandler<GetObjectiveHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, objectiveId, page }: GetObjectiveHistoryQuery): Promise<Page<HistoryEntry>> {
    const events = await streamHistory(this.store, streamName(OBJECTIVE_CATEGORY, objectiveId), tenantId);
    if (!events) throw objectiveNotFound(objectiveId);
    return pageHistory(events, page, 'objective-history');
  }
}
