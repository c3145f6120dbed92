import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, loadAggregate, type CommandContext, type CommandResult, type EventStore } from '@okr/event-store';
import { ruleBroken, teamDecider, teamStreamName, type DescribeTeam, type TeamState } from '@okr/okr-domain';

/** Deeper than any organisation chart: a walk up that goes further is a loop already stored. */
const MAX_TEAM_DEPTH = 64;

export class DescribeTeamCommand extends Command<CommandResult<TeamState>> {
  constructor(
    readonly data: DescribeTeam['data'],
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Registers a team or records what changed (idempotent: the same description twice appends nothing).
 * A parent need not be registered yet (an identity provider may send children first), but a move
 * must not put a team under one of its own descendants.
 */
@CommandHandler(DescribeTeamCommand)
export class DescribeTeamHandler implements ICommandHandler<DescribeTeamCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ data, context }: DescribeTeamCommand) {
    if (data.parentTeamId) await this.assertNoLoop(context.tenantId, data.teamId, data.name, data.parentTeamId);
    return handleCommand(this.store, teamStreamName(context.tenantId, data.teamId), teamDecider, { type: 'DescribeTeam', data }, context);
  }

  private async assertNoLoop(tenantId: string, teamId: string, teamName: string, parentTeamId: string): Promise<void> {
    let current: string | null = parentTeamId;
    let parentName = teamName;
    for (let depth = 0; current !== null && depth < MAX_TEAM_DEPTH; depth++) {
      if (current === teamId) {
        throw ruleBroken('team-parent-loop', `Team "${teamName}" cannot be placed under "${parentName}": "${parentName}" is within "${teamName}".`, {
          field: 'parentTeamId',
          teamId,
          parentTeamId,
        });
      }
      const { state }: { state: TeamState } = await loadAggregate(this.store, teamStreamName(tenantId, current), teamDecider, tenantId);
      if (current === parentTeamId && state.status === 'registered') parentName = state.name;
      current = state.status === 'registered' ? state.parentTeamId : null;
    }
  }
}
