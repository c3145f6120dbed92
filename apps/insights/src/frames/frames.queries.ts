import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import type { EventEnvelope } from '@okr/okr-domain';
import { REPLAY_CATEGORIES } from '../replay/replay';
import { ReplayNamesQueries } from '../replay/replay-names';
import { framesOf, type FramesRequest, type FramesView } from './frames';

export class FramesQuery extends Query<FramesView> {
  constructor(
    readonly tenantId: string,
    readonly request: FramesRequest,
  ) {
    super();
  }
}

/** Reads the replayed categories of the log ONCE, then folds every frame from those events. */
@QueryHandler(FramesQuery)
export class FramesHandler implements IQueryHandler<FramesQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly names: ReplayNamesQueries,
  ) {}

  async execute({ tenantId, request }: FramesQuery): Promise<FramesView> {
    const events: EventEnvelope[] = [];
    for await (const event of this.store.readAll({ categories: REPLAY_CATEGORIES })) {
      if (event.metadata.tenantId === tenantId) events.push(event);
    }
    return framesOf(events, tenantId, request, await this.names.of(tenantId));
  }
}
