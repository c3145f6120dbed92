import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  handleCommand,
  loadAggregate,
  type CommandContext,
  type CommandResult,
  type EventStore,
} from '@okr/event-store';
import { CYCLE_CATEGORY, cycleDecider, notFound, streamName, type CycleState, type PlanCycle } from '@okr/okr-domain';

export class PlanCycleCommand extends Command<CommandResult<CycleState>> {
  constructor(
    readonly data: PlanCycle['data'],
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(PlanCycleCommand)
export class PlanCycleHandler implements ICommandHandler<PlanCycleCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ data, context }: PlanCycleCommand) {
    const command = { type: 'PlanCycle' as const, data };
    return handleCommand(this.store, streamName(CYCLE_CATEGORY, data.cycleId), cycleDecider, command, context);
  }
}

export type CycleView = Extract<CycleState, { status: 'planned' }> & { revision: number };

export class GetCycleQuery extends Query<CycleView> {
  constructor(
    readonly tenantId: string,
    readonly cycleId: string,
  ) {
    super();
  }
}

@QueryHandler(GetCycleQuery)
export class GetCycleHandler implements IQueryHandler<GetCycleQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, cycleId }: GetCycleQuery): Promise<CycleView> {
    const { state, revision } = await loadAggregate(this.store, streamName(CYCLE_CATEGORY, cycleId), cycleDecider, tenantId);
    if (state.status === 'empty' || revision === 'no_stream') {
      throw notFound('cycle-not-found', `Cycle ${cycleId} does not exist`, { cycleId });
    }
    return { ...state, revision };
  }
}
