import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, loadAggregate, type CommandContext, type CommandResult, type EventStore } from '@okr/event-store';
import {
  learningDecider,
  learningStreamName,
  notFound,
  questionDecider,
  questionStreamName,
  type QuestionAsked,
  type QuestionState,
  type QuestionSubject,
} from '@okr/okr-domain';
import { CheckInsView } from '../view/check-ins.view';

type Placement = Pick<QuestionAsked['data'], 'objectiveId' | 'keyResultId' | 'teamId'>;

export class AskQuestionCommand extends Command<CommandResult<QuestionState>> {
  constructor(
    readonly questionId: string,
    readonly subject: QuestionSubject,
    readonly subjectId: string,
    readonly text: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export type FollowUp = { type: 'AnswerQuestion'; data: { text: string } } | { type: 'SetQuestionAside'; data: { note?: string } };

/** An answer, or setting the question aside (who may: `question:answer`, checked by the permission guard). */
export class FollowUpQuestionCommand extends Command<CommandResult<QuestionState>> {
  constructor(
    readonly questionId: string,
    readonly followUp: FollowUp,
    readonly context: CommandContext,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export const questionNotFound = (questionId: string) => notFound('question-not-found', 'This question does not exist', { questionId });

/**
 * Anyone in the tenant may ask. The handler places the question from what the service knows of its
 * subject (404 when this tenant has no such objective, key result or learning; 503 while the view
 * catches up): the objective it shows on, and the team that answers.
 */
@CommandHandler(AskQuestionCommand)
export class AskQuestionHandler implements ICommandHandler<AskQuestionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ questionId, subject, subjectId, text, context }: AskQuestionCommand) {
    const placement = await this.place(context.tenantId, subject, subjectId);
    const data = { questionId, subject, subjectId, ...placement, text, askedBy: context.actor };
    return handleCommand(this.store, questionStreamName(questionId), questionDecider, { type: 'AskQuestion', data }, context);
  }

  private async place(tenant: string, subject: QuestionSubject, id: string): Promise<Placement> {
    const teamOf = async (objectiveId: string | undefined) => (objectiveId === undefined ? undefined : (await this.view.objective(tenant, objectiveId))?.teamId);
    switch (subject) {
      case 'objective': {
        const objective = await this.view.requireObjective(tenant, id);
        return { objectiveId: id, teamId: objective.teamId };
      }
      case 'key-result': {
        const kr = await this.view.requireKeyResult(tenant, id);
        return defined({ objectiveId: kr.objectiveId, keyResultId: id, teamId: await teamOf(kr.objectiveId) });
      }
      case 'learning': {
        const { state } = await loadAggregate(this.store, learningStreamName(id), learningDecider, tenant);
        if (state.status === 'empty') throw notFound('learning-not-found', 'This learning does not exist', { learningId: id });
        const [only] = state.keyResultIds.length === 1 ? state.keyResultIds : [];
        return defined({ objectiveId: state.objectiveId, keyResultId: only, teamId: state.teamId ?? (await teamOf(state.objectiveId)) });
      }
    }
  }
}

const defined = (placement: Placement): Placement =>
  Object.fromEntries(Object.entries(placement).filter(([, v]) => v !== undefined)) as Placement;

@CommandHandler(FollowUpQuestionCommand)
export class FollowUpQuestionHandler implements ICommandHandler<FollowUpQuestionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ questionId, followUp, context, expectedRevision }: FollowUpQuestionCommand) {
    const stream = questionStreamName(questionId);
    const { state } = await loadAggregate(this.store, stream, questionDecider, context.tenantId);
    if (state.status === 'empty') throw questionNotFound(questionId);
    const command =
      followUp.type === 'AnswerQuestion'
        ? { type: followUp.type, data: { text: followUp.data.text, answeredBy: context.actor } }
        : { type: followUp.type, data: { by: context.actor, ...(followUp.data.note === undefined ? {} : { note: followUp.data.note }) } };
    return handleCommand(this.store, stream, questionDecider, command, context, expectedRevision === undefined ? {} : { expectedRevision });
  }
}
