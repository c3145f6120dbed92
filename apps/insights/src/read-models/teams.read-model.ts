import type { TeamMoved, TeamRegistered, TeamRenamed } from '@okr/okr-domain';
import type { BulkOperation, ReadCollection, ReadDocument } from '@okr/read-store';
import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `teams`: the teams registry as insights needs it (`_id` = `{tenant}:{teamId}`): the display name
 * people read instead of the id, and the parent team, for grouping by the organisation chart.
 */
export const TEAMS = 'teams';

export interface TeamDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  teamId: string;
  name: string;
  parentTeamId: string | null;
}

const docId = (tenantId: string, teamId: string): string => `${tenantId}:${teamId}`;

export const teamsModel: ReadModel<TeamDoc> = {
  name: TEAMS,
  indexes: [{ fields: { tenantId: 1, teamId: 1 } }],
  handles: ['TeamRegistered', 'TeamRenamed', 'TeamMoved'],
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    const tenantId = event.metadata.tenantId;
    switch (event.type) {
      case 'TeamRegistered': {
        const { teamId, name, parentTeamId } = event.data as TeamRegistered['data'];
        return [replaceDocument({ _id: docId(tenantId, teamId), tenantId, teamId, name, parentTeamId: parentTeamId ?? null })];
      }
      case 'TeamRenamed': {
        const { teamId, to } = event.data as TeamRenamed['data'];
        return [{ updateOne: { filter: { _id: docId(tenantId, teamId) }, update: { $set: { name: to } } } }];
      }
      case 'TeamMoved': {
        const { teamId, to } = event.data as TeamMoved['data'];
        return [{ updateOne: { filter: { _id: docId(tenantId, teamId) }, update: { $set: { parentTeamId: to } } } }];
      }
      default:
        return [];
    }
  },
};

/** A team as people read it: its display name, or its id when it is not registered. */
export interface TeamLabel {
  name: string;
  parentTeamId: string | null;
}

/** The labels of these teams of a tenant; an unregistered team falls back to its id. */
export async function teamLabels(teams: ReadCollection<TeamDoc>, tenantId: string, teamIds: readonly (string | null)[]): Promise<Map<string, TeamLabel>> {
  const ids = [...new Set(teamIds.filter((id): id is string => id !== null))];
  const found = await teams.find({ tenantId, teamId: { $in: ids } });
  const byId = new Map(found.map((t) => [t.teamId, { name: t.name, parentTeamId: t.parentTeamId }]));
  return new Map(ids.map((id) => [id, byId.get(id) ?? { name: id, parentTeamId: null }]));
}
