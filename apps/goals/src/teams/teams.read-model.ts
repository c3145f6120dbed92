import type { TeamLeadsChanged, TeamMoved, TeamRegistered, TeamRenamed } from '@okr/okr-domain';
import type { BulkOperation, ReadDocument } from '@okr/read-store';
import { replaceDocument, type ProjectedEvent, type ReadModel } from '@okr/messaging';

/**
 * `goals-teams-v2`: one document per team of a tenant (`_id` = `{tenant}:{teamId}`), for `GET /teams`.
 * Leads are kept sealed as the events carry them (the runner is `sealed`; v1 held them in clear); the
 * query opens them.
 */
export interface TeamDoc extends ReadDocument {
  _id: string;
  tenantId: string;
  teamId: string;
  name: string;
  parentTeamId: string | null;
  /** Sealed, each under its lead's key. */
  leads: string[];
  registeredAt: string;
}

export const teamDocId = (tenantId: string, teamId: string): string => `${tenantId}:${teamId}`;

export const teamsModel: ReadModel<TeamDoc> = {
  name: 'goals-teams-v2',
  indexes: [{ fields: { tenantId: 1, teamId: 1 } }],
  handles: ['TeamRegistered', 'TeamRenamed', 'TeamMoved', 'TeamLeadsChanged'],
  reads: () => undefined,
  project(event: ProjectedEvent): BulkOperation[] {
    const tenantId = event.metadata.tenantId;
    const { teamId } = event.data as { teamId: string };
    const set = (fields: Partial<TeamDoc>): BulkOperation[] => [
      { updateOne: { filter: { _id: teamDocId(tenantId, teamId) }, update: { $set: fields } } },
    ];
    switch (event.type) {
      case 'TeamRegistered': {
        const { name, parentTeamId, leads } = event.data as TeamRegistered['data'];
        const doc: TeamDoc = {
          _id: teamDocId(tenantId, teamId),
          tenantId,
          teamId,
          name,
          parentTeamId: parentTeamId ?? null,
          leads: [...leads],
          registeredAt: event.metadata.occurredAt,
        };
        return [replaceDocument(doc)];
      }
      case 'TeamRenamed':
        return set({ name: (event.data as TeamRenamed['data']).to });
      case 'TeamMoved':
        return set({ parentTeamId: (event.data as TeamMoved['data']).to });
      case 'TeamLeadsChanged':
        return set({ leads: [...(event.data as TeamLeadsChanged['data']).to] });
      default:
        return [];
    }
  },
};
