import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import type { EventEnvelope } from '@okr/okr-domain';
import { REPLAY_CATEGORIES, replayAt, type CheckInsReading, type ReplayFilter, type ReplayView } from './replay';
import { ReplayNamesQueries } from './replay-names';

export class ReplayQuery extends Query<ReplayView> {
  constructor(
    readonly tenantId: string,
    readonly asOf: Date,
    readonly filter: ReplayFilter,
    readonly checkIns: CheckInsReading = 'known',
  ) {
    super();
  }
}

/** Reads the global log of the replayed categories and folds the caller's tenant's events up to `asOf`. */
@QueryHandler(ReplayQuery)
export class ReplayHandler implements IQueryHandler<ReplayQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly names: ReplayNamesQueries,
  ) {}

  async execute({ tenantId, asOf, filter, checkIns }: ReplayQuery): Promise<ReplayView> {
    const events: EventEnvelope[] = [];
    for await (const event of this.store.readAll({ categories: REPLAY_CATEGORIES })) {
      if (event.metadata.tenantId === tenantId) events.push(event);
    }
    return replayAt(events, tenantId, asOf, filter, await this.names.of(tenantId), checkIns);
  }
}
