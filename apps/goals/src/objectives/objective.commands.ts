import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  handleCommand,
  loadAggregate,
  type CommandContext,
  type CommandResult,
  type EventStore,
} from '@okr/event-store';
import {
  CYCLE_CATEGORY,
  OBJECTIVE_CATEGORY,
  cycleDecider,
  notFound,
  objectiveDecider,
  streamName,
  type ObjectiveCommand,
  type ObjectiveState,
} from '@okr/okr-domain';
import { AlignmentPolicy } from './alignment.policy';

type Bare<C> = C extends unknown ? Omit<C, 'metadata'> : never;
export type ObjectiveCommandInput = Bare<ObjectiveCommand>;

/** One message for every objective command: the domain command plus who sent it and what they saw. */
export class ExecuteObjectiveCommand extends Command<CommandResult<ObjectiveState>> {
  constructor(
    readonly objectiveId: string,
    readonly commands: readonly ObjectiveCommandInput[],
    readonly context: CommandContext,
    /** From If-Match; absent means "on the latest state". */
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** Checks what spans streams (cycle and parents exist, no alignment loop), then runs the decider. */
@CommandHandler(ExecuteObjectiveCommand)
export class ObjectiveCommandHandler implements ICommandHandler<ExecuteObjectiveCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly alignment: AlignmentPolicy,
  ) {}

  async execute({ objectiveId, commands, context, expectedRevision }: ExecuteObjectiveCommand) {
    for (const command of commands) {
      if (command.type === 'SetObjective') await this.assertCycleExists(context.tenantId, command.data.cycleId);
      if (command.type === 'AlignObjective') {
        await this.alignment.assertCanAlign(context.tenantId, objectiveId, command.data.parentObjectiveId);
      }
    }
    return handleCommand(
      this.store,
      streamName(OBJECTIVE_CATEGORY, objectiveId),
      objectiveDecider,
      commands,
      context,
      expectedRevision === undefined ? {} : { expectedRevision },
    );
  }

  private async assertCycleExists(tenantId: string, cycleId: string): Promise<void> {
    const { state } = await loadAggregate(this.store, streamName(CYCLE_CATEGORY, cycleId), cycleDecider, tenantId);
    if (state.status === 'empty') throw notFound('cycle-not-found', 'This cycle does not exist', { cycleId });
  }
}
