import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import { CYCLE_CATEGORY, cycleDecider, cycleStatus, notFound, streamName, type CycleStatus, type UngradedObjective } from '@okr/okr-domain';
import { READ_STORE, pageCollection, type ReadStore } from '@okr/read-store';
import { type Page } from '@okr/platform';
import { cyclesListModel, type CycleListDoc } from './cycles.read-model';

/** A cycle as the API shows it: its status at the time of the request (upcoming, active, ended, closed). */
export interface CycleView {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
  status: CycleStatus;
  closedAt: string | null;
  /** When closed: the objectives left neither graded nor carried over. */
  ungradedObjectives?: UngradedObjective[];
}

export class GetCycleQuery extends Query<CycleView & { revision: number }> {
  constructor(
    readonly tenantId: string,
    readonly cycleId: string,
    readonly now = new Date(),
  ) {
    super();
  }
}

@QueryHandler(GetCycleQuery)
export class GetCycleHandler implements IQueryHandler<GetCycleQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, cycleId, now }: GetCycleQuery): Promise<CycleView & { revision: number }> {
    const { state, revision } = await loadAggregate(this.store, streamName(CYCLE_CATEGORY, cycleId), cycleDecider, tenantId);
    if (state.status === 'empty' || revision === 'no_stream') {
      throw notFound('cycle-not-found', 'This cycle does not exist', { cycleId });
    }
    const { id, name, startsOn, endsOn, checkInCadenceDays, closedAt, ungradedObjectives } = state;
    return {
      id,
      name,
      startsOn,
      endsOn,
      checkInCadenceDays,
      status: cycleStatus(state, now),
      closedAt: closedAt ?? null,
      ...(ungradedObjectives ? { ungradedObjectives } : {}),
      revision,
    };
  }
}

/** The tenant's cycles, newest first (latest start), a page at a time. */
export class ListCyclesQuery extends Query<Page<CycleView>> {
  constructor(
    readonly tenantId: string,
    readonly page: { limit?: number; cursor?: string },
    readonly now = new Date(),
  ) {
    super();
  }
}

@QueryHandler(ListCyclesQuery)
export class ListCyclesHandler implements IQueryHandler<ListCyclesQuery> {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async execute({ tenantId, page, now }: ListCyclesQuery): Promise<Page<CycleView>> {
    const cycles = await this.store.collection<CycleListDoc>({ name: cyclesListModel.name, indexes: cyclesListModel.indexes });
    const found = await pageCollection(cycles, { tenantId }, page, { list: 'cycles', sortBy: 'startsOn', order: 'desc' });
    return {
      items: found.items.map(({ _id, name, startsOn, endsOn, checkInCadenceDays, closedAt }) => ({
        id: _id,
        name,
        startsOn,
        endsOn,
        checkInCadenceDays,
        status: cycleStatus({ startsOn, endsOn, closedAt }, now),
        closedAt,
      })),
      nextCursor: found.nextCursor,
    };
  }
}
