import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadAggregate, openSealedValues, type EventStore } from '@okr/event-store';
import { notFound, teamDecider, teamStreamName } from '@okr/okr-domain';
import { READ_STORE, pageCollection, type ReadStore } from '@okr/read-store';
import { type Page } from '@okr/platform';
import { teamsModel, type TeamDoc } from './teams.read-model';

export interface TeamView {
  id: string;
  name: string;
  parentTeamId: string | null;
  leads: string[];
}

export class GetTeamQuery extends Query<TeamView & { revision: number }> {
  constructor(
    readonly tenantId: string,
    readonly teamId: string,
  ) {
    super();
  }
}

@QueryHandler(GetTeamQuery)
export class GetTeamHandler implements IQueryHandler<GetTeamQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, teamId }: GetTeamQuery): Promise<TeamView & { revision: number }> {
    const { state, revision } = await loadAggregate(this.store, teamStreamName(tenantId, teamId), teamDecider, tenantId);
    if (state.status === 'empty' || revision === 'no_stream') throw notFound('team-not-found', 'This team is not registered', { teamId });
    return { id: state.id, name: state.name, parentTeamId: state.parentTeamId, leads: state.leads, revision };
  }
}

/** The tenant's registered teams by id, a page at a time. */
export class ListTeamsQuery extends Query<Page<TeamView>> {
  constructor(
    readonly tenantId: string,
    readonly page: { limit?: number; cursor?: string },
  ) {
    super();
  }
}

@QueryHandler(ListTeamsQuery)
export class ListTeamsHandler implements IQueryHandler<ListTeamsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ tenantId, page }: ListTeamsQuery): Promise<Page<TeamView>> {
    const teams = await this.store.collection<TeamDoc>({ name: teamsModel.name, indexes: teamsModel.indexes });
    const found = await pageCollection(teams, { tenantId }, page, { list: 'teams', sortBy: 'teamId', order: 'asc' });
    return {
      // Leads are kept sealed: an erased lead reads "erased person", as in the team's history.
      items: await openSealedValues(this.events, found.items.map(({ teamId, name, parentTeamId, leads }) => ({ id: teamId, name, parentTeamId, leads }))),
      nextCursor: found.nextCursor,
    };
  }
}
