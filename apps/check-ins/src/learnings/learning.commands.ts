import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, type CommandContext, type CommandResult, type EventStore } from '@okr/event-store';
import { learningDecider, learningStreamName, type LearningCommand, type LearningState } from '@okr/okr-domain';
import { CheckInsView } from '../view/check-ins.view';

type Bare<C> = C extends unknown ? Omit<C, 'metadata'> : never;
export type LearningCommandInput = Bare<LearningCommand>;

/** One message for every learning command: the domain command plus who sent it and what they saw. */
export class ExecuteLearningCommand extends Command<CommandResult<LearningState>> {
  constructor(
    readonly learningId: string,
    readonly command: LearningCommandInput,
    readonly context: CommandContext,
    /** From If-Match; absent means "on the latest state". */
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/**
 * Checks the goals a learning links to against the view (an objective or key result this tenant does
 * not have is a 404; 503 while the view catches up), then runs the decider on `learning-{id}`.
 */
@CommandHandler(ExecuteLearningCommand)
export class LearningCommandHandler implements ICommandHandler<ExecuteLearningCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ learningId, command: given, context, expectedRevision }: ExecuteLearningCommand) {
    let command = given;
    const tenant = context.tenantId;
    if (command.type === 'CaptureLearning' && command.data.objectiveId !== undefined) {
      const { objectiveId } = command.data;
      const objective = await this.view.requireObjective(tenant, objectiveId);
      // The team defaults to the objective's: learnings are the team's, not only their author's.
      command = { ...command, data: { ...command.data, teamId: command.data.teamId ?? objective.teamId } };
    }
    const keyResultIds = command.type === 'CaptureLearning' ? command.data.keyResultIds : command.type === 'ReviseLearning' ? command.data.changes.keyResultIds : undefined;
    for (const keyResultId of keyResultIds ?? []) {
      await this.view.requireKeyResult(tenant, keyResultId);
    }
    return handleCommand(
      this.store,
      learningStreamName(learningId),
      learningDecider,
      command,
      context,
      expectedRevision === undefined ? {} : { expectedRevision },
    );
  }
}
