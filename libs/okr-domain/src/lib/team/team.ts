import type { Command, DomainEvent } from '../shared/envelope';
import { streamName } from '../shared/envelope';

/**
 * The teams registry: the teams of a tenant with their display names, parent team and leads,
 * maintained by admins or synced from the identity provider's groups. A team's id is a slug
 * (`growth`, `platform-infra`) that objectives already carry as `teamId`; it is unique per tenant,
 * so the stream names both: `team-{tenant}:{teamId}`.
 */
export const TEAM_CATEGORY = 'team';

export const teamStreamName = (tenantId: string, teamId: string): string =>
  streamName(TEAM_CATEGORY, `${encodeURIComponent(tenantId)}:${teamId}`);

/** Lower-case letters, digits and inner dashes, 1-63 characters. */
export const TEAM_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const MAX_TEAM_NAME_LENGTH = 100;
export const MAX_TEAM_LEADS = 50;

export type TeamRegistered = DomainEvent<
  'TeamRegistered',
  { teamId: string; name: string; parentTeamId?: string; leads: string[] }
>;
export type TeamRenamed = DomainEvent<'TeamRenamed', { teamId: string; from: string; to: string }>;
/** `null`: a top-level team. */
export type TeamMoved = DomainEvent<'TeamMoved', { teamId: string; from: string | null; to: string | null }>;
export type TeamLeadsChanged = DomainEvent<'TeamLeadsChanged', { teamId: string; from: string[]; to: string[] }>;
export type TeamEvent = TeamRegistered | TeamRenamed | TeamMoved | TeamLeadsChanged;

/**
 * The team as it should be (an admin's edit or the identity provider's group): registers the team,
 * or says what changed, or nothing when it is already so. Idempotent, so a sync job can send it again.
 */
export type DescribeTeam = Command<'DescribeTeam', { teamId: string; name: string; parentTeamId?: string | null; leads?: string[] }>;
export type TeamCommand = DescribeTeam;
