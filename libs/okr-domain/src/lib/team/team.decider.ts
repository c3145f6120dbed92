import type { Decider } from '../shared/envelope';
import { ruleBroken } from '../shared/errors';
import { ignoreUnknownEvent, unhandledCommand } from '../shared/exhaustive';
import type { DescribeTeam, TeamCommand, TeamEvent } from './team';
import { MAX_TEAM_LEADS, MAX_TEAM_NAME_LENGTH, TEAM_ID_PATTERN } from './team';

export interface EmptyTeam {
  status: 'empty';
}

export interface RegisteredTeam {
  status: 'registered';
  id: string;
  name: string;
  parentTeamId: string | null;
  leads: string[];
}

export type TeamState = EmptyTeam | RegisteredTeam;

export const initialTeamState = (): TeamState => ({ status: 'empty' });

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

const teamName = (value: unknown): string => {
  const name = text(value);
  if (name === '') throw ruleBroken('name-required', 'A team needs a display name.', { field: 'name' });
  if (name.length > MAX_TEAM_NAME_LENGTH) {
    throw ruleBroken('name-too-long', `A team name has at most ${MAX_TEAM_NAME_LENGTH} characters.`, { field: 'name', length: name.length });
  }
  return name;
};

/** Distinct, trimmed, in the order given. */
const leadsOf = (value: unknown): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw ruleBroken('invalid-leads', 'leads is a list of user ids.', { field: 'leads' });
  const leads = [...new Set(value.map(text))];
  if (leads.some((lead) => lead === '')) throw ruleBroken('invalid-leads', 'A lead is a user id.', { field: 'leads' });
  if (leads.length > MAX_TEAM_LEADS) {
    throw ruleBroken('invalid-leads', `A team has at most ${MAX_TEAM_LEADS} leads.`, { field: 'leads', count: leads.length });
  }
  return leads;
};

const sameLeads = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((lead, i) => lead === b[i]);

const describe = ({ data }: DescribeTeam, state: TeamState): TeamEvent[] => {
  const teamId = text(data.teamId);
  if (!TEAM_ID_PATTERN.test(teamId)) {
    throw ruleBroken('invalid-team-id', 'A team id is 1-63 lower-case letters, digits and inner dashes (e.g. "growth").', {
      field: 'id',
      value: data.teamId,
    });
  }
  const name = teamName(data.name);
  const parentTeamId = text(data.parentTeamId) === '' ? null : text(data.parentTeamId);
  if (parentTeamId === teamId) throw ruleBroken('team-parent-loop', 'A team cannot be its own parent.', { field: 'parentTeamId' });
  if (parentTeamId !== null && !TEAM_ID_PATTERN.test(parentTeamId)) {
    throw ruleBroken('invalid-team-id', 'parentTeamId is not a team id.', { field: 'parentTeamId', value: parentTeamId });
  }
  const leads = leadsOf(data.leads);
  if (state.status === 'empty') {
    return [{ type: 'TeamRegistered', data: { teamId, name, ...(parentTeamId === null ? {} : { parentTeamId }), leads } }];
  }
  const events: TeamEvent[] = [];
  if (name !== state.name) events.push({ type: 'TeamRenamed', data: { teamId, from: state.name, to: name } });
  if (parentTeamId !== state.parentTeamId) events.push({ type: 'TeamMoved', data: { teamId, from: state.parentTeamId, to: parentTeamId } });
  if (!sameLeads(leads, state.leads)) events.push({ type: 'TeamLeadsChanged', data: { teamId, from: [...state.leads], to: leads } });
  return events;
};

/**
 * Decides what describing a team means. Throws rule-broken `invalid-team-id`, `name-required`,
 * `name-too-long`, `invalid-leads` or `team-parent-loop` (a team as its own parent; deeper loops span
 * streams and are checked by the application).
 */
export const decideTeam = (command: TeamCommand, state: TeamState): TeamEvent[] => {
  switch (command.type) {
    case 'DescribeTeam':
      return describe(command, state);
    default:
      return unhandledCommand(command.type);
  }
};

export const evolveTeam = (state: TeamState, event: TeamEvent): TeamState => {
  if (event.type === 'TeamRegistered') {
    const { teamId, name, parentTeamId, leads } = event.data;
    return { status: 'registered', id: teamId, name, parentTeamId: parentTeamId ?? null, leads: [...leads] };
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'TeamRenamed':
      return { ...state, name: event.data.to };
    case 'TeamMoved':
      return { ...state, parentTeamId: event.data.to };
    case 'TeamLeadsChanged':
      return { ...state, leads: [...event.data.to] };
    default:
      return ignoreUnknownEvent(event, state);
  }
};

/** The team aggregate as an emmett-style decider. */
export const teamDecider: Decider<TeamState, TeamCommand, TeamEvent> = {
  decide: decideTeam,
  evolve: evolveTeam,
  initialState: initialTeamState,
};
