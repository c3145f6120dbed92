import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, openSealedValues, type EventStore } from '@okr/event-store';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { objectiveSummaryModel, type ObjectiveSummaryDoc } from '../projections';
import { ReadModelCollections } from '@okr/messaging';
import { teamLabels, teamsModel, type TeamDoc } from '../read-models/teams.read-model';
import { buildAlignmentTree, type AlignmentTree } from './alignment-tree';

export class GetAlignmentTreeQuery extends Query<AlignmentTree> {
  constructor(
    readonly tenantId: string,
    readonly cycleId?: string,
  ) {
    super();
  }
}

/** The alignment tree from the objective summaries of the caller's tenant (optionally one cycle). */
@QueryHandler(GetAlignmentTreeQuery)
export class GetAlignmentTreeHandler implements IQueryHandler<GetAlignmentTreeQuery> {
  private readonly collections: ReadModelCollections;

  constructor(
    @Inject(READ_STORE) store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    this.collections = new ReadModelCollections(store);
  }

  async execute({ tenantId, cycleId }: GetAlignmentTreeQuery): Promise<AlignmentTree> {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const docs = await summaries.find(
      { tenantId, ...(cycleId === undefined ? {} : { cycleId }) },
      { sort: { setAt: 1, _id: 1 } },
    );
    const teams = await teamLabels(await this.collections.of<TeamDoc>(teamsModel), tenantId, docs.map((d) => d.teamId));
    return openSealedValues(this.events, buildAlignmentTree(docs, cycleId === undefined ? {} : { cycleId }, teams));
  }
}
