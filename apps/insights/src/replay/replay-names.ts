import { Inject, Injectable } from '@nestjs/common';
import { ReadModelCollections } from '@okr/messaging';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { cyclesModel, type CycleDoc } from '../read-models/cycles.read-model';
import { teamsModel, type TeamDoc } from '../read-models/teams.read-model';
import type { ReplayNames } from './replay';

/** The names of a tenant's teams and cycles for a replay, from the teams and cycles read models. */
@Injectable()
export class ReplayNamesQueries {
  private readonly collections: ReadModelCollections;

  constructor(@Inject(READ_STORE) store: ReadStore) {
    this.collections = new ReadModelCollections(store);
  }

  /** Every team and cycle of the tenant, or only those named in `only` (a page of a replay). */
  async of(tenantId: string, only?: { teamIds: readonly string[]; cycleIds: readonly string[] }): Promise<ReplayNames> {
    const teamFilter = only === undefined ? { tenantId } : { tenantId, teamId: { $in: [...only.teamIds] } };
    const cycleFilter = only === undefined ? { tenantId } : { tenantId, _id: { $in: [...only.cycleIds] } };
    const teams = await (await this.collections.of<TeamDoc>(teamsModel)).find(teamFilter);
    const cycles = await (await this.collections.of<CycleDoc>(cyclesModel)).find(cycleFilter);
    const teamNames = new Map(teams.map((t) => [t.teamId, t.name]));
    const cycleNames = new Map(cycles.map((c) => [c._id, c.name]));
    return { team: (teamId) => teamNames.get(teamId) ?? teamId, cycle: (cycleId) => cycleNames.get(cycleId) ?? null };
  }
}
