import { Inject, Injectable } from '@nestjs/common';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { objectiveSummaryModel, type ObjectiveSummaryDoc } from '../projections';
import { ReadModelCollections } from '@okr/messaging';
import { teamLabels, teamsModel, type TeamDoc } from '../read-models/teams.read-model';
import { buildAlignmentTree, type AlignmentTree } from './alignment-tree';

/** The alignment tree from the objective summaries of the caller's tenant (optionally one cycle). */
@Injectable()
export class AlignmentTreeQueries {
  private readonly collections: ReadModelCollections;

  constructor(@Inject(READ_STORE) store: ReadStore) {
    this.collections = new ReadModelCollections(store);
  }

  async tree(tenantId: string, cycleId?: string): Promise<AlignmentTree> {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const docs = await summaries.find(
      { tenantId, ...(cycleId === undefined ? {} : { cycleId }) },
      { sort: { setAt: 1, _id: 1 } },
    );
    const teams = await teamLabels(await this.collections.of<TeamDoc>(teamsModel), tenantId, docs.map((d) => d.teamId));
    return buildAlignmentTree(docs, cycleId === undefined ? {} : { cycleId }, teams);
  }
}
