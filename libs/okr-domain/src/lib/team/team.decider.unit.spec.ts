import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { DescribeTeam, TeamEvent } from './team';
import { teamStreamName } from './team';
import { teamDecider } from './team.decider';

const spec = DeciderSpecification.for(teamDecider);
const describeTeam = (data: Partial<DescribeTeam['data']> = {}): DescribeTeam => ({
  type: 'DescribeTeam',
  data: { teamId: 'growth', name: 'Growth', parentTeamId: 'product', leads: ['gina'], ...data },
  metadata: { now: '2026-06-20T09:00:00.000Z' },
});
const registered: TeamEvent = { type: 'TeamRegistered', data: { teamId: 'growth', name: 'Growth', parentTeamId: 'product', leads: ['gina'] } };

describe('team decider', () => {
  it('registers a team it does not know', () => {
    spec.given([]).when(describeTeam({ name: ' Growth ', leads: ['gina', ' gina'] })).then([registered]);
    spec
      .given([])
      .when(describeTeam({ teamId: 'product', name: 'Product', parentTeamId: null, leads: undefined }))
      .then([{ type: 'TeamRegistered', data: { teamId: 'product', name: 'Product', leads: [] } }]);
  });

  it('says only what changed, and nothing when the team is already so (an idempotent sync)', () => {
    spec.given([registered]).when(describeTeam()).thenNothingHappened();
    spec
      .given([registered])
      .when(describeTeam({ name: 'Growth & Activation', parentTeamId: null, leads: ['gina', 'hugo'] }))
      .then([
        { type: 'TeamRenamed', data: { teamId: 'growth', from: 'Growth', to: 'Growth & Activation' } },
        { type: 'TeamMoved', data: { teamId: 'growth', from: 'product', to: null } },
        { type: 'TeamLeadsChanged', data: { teamId: 'growth', from: ['gina'], to: ['gina', 'hugo'] } },
      ]);
  });

  it.each(['Growth', 'growth_team', '-growth', 'growth-', ''])('refuses the team id %j', (teamId) => {
    expect(spec.given([]).when(describeTeam({ teamId })).thenThrows('invalid-team-id').details['field']).toBe('id');
  });

  it('refuses a blank name, a team as its own parent and leads that are not user ids', () => {
    spec.given([]).when(describeTeam({ name: ' ' })).thenThrows('name-required');
    spec.given([]).when(describeTeam({ parentTeamId: 'growth' })).thenThrows('team-parent-loop');
    spec.given([]).when(describeTeam({ leads: ['gina', ''] })).thenThrows('invalid-leads');
    spec.given([]).when(describeTeam({ leads: 'gina' as unknown as string[] })).thenThrows('invalid-leads');
  });

  it('folds renames, moves and lead changes', () => {
    expect(
      replay(teamDecider, [
        registered,
        { type: 'TeamRenamed', data: { teamId: 'growth', from: 'Growth', to: 'Growth & Activation' } },
        { type: 'TeamMoved', data: { teamId: 'growth', from: 'product', to: null } },
        { type: 'TeamLeadsChanged', data: { teamId: 'growth', from: ['gina'], to: ['hugo'] } },
      ]),
    ).toEqual({ status: 'registered', id: 'growth', name: 'Growth & Activation', parentTeamId: null, leads: ['hugo'] });
  });

  it('keeps one stream per tenant and team', () => {
    expect(teamStreamName('acme', 'growth')).toBe('team-acme:growth');
    expect(teamStreamName('acme', 'growth')).not.toBe(teamStreamName('globex', 'growth'));
  });
});
