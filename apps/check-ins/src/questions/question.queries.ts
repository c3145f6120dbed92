import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { questionStreamName, type QuestionAnswered, type QuestionAsked, type QuestionSetAside, type QuestionStatus } from '@okr/okr-domain';
import type { Page, PageRequest } from '@okr/platform';
import { CheckInsView } from '../view/check-ins.view';
import { questionNotFound } from './question.commands';
import type { QuestionRow } from './questions.read-model';

export type QuestionView = QuestionRow & { revision: number };

export class GetQuestionQuery extends Query<QuestionView> {
  constructor(
    readonly tenantId: string,
    readonly questionId: string,
  ) {
    super();
  }
}

/** The question now, straight from its stream (read-your-writes), with its revision for If-Match. */
@QueryHandler(GetQuestionQuery)
export class GetQuestionHandler implements IQueryHandler<GetQuestionQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, questionId }: GetQuestionQuery): Promise<QuestionView> {
    let question: QuestionView | undefined;
    for await (const event of this.store.readStream(questionStreamName(questionId))) {
      if (event.metadata.tenantId !== tenantId) throw questionNotFound(questionId);
      const at = event.metadata.occurredAt;
      if (event.type === 'QuestionAsked') {
        const { questionId: id, ...asked } = event.data as QuestionAsked['data'];
        question = { id, ...asked, askedAt: at, status: 'open', answers: [], revision: event.revision };
      } else if (question && event.type === 'QuestionAnswered') {
        const { text, answeredBy } = event.data as QuestionAnswered['data'];
        question = { ...question, status: 'answered', answers: [...question.answers, { text, answeredBy, answeredAt: at }], revision: event.revision };
      } else if (question && event.type === 'QuestionSetAside') {
        const { by, note } = event.data as QuestionSetAside['data'];
        question = { ...question, status: 'set-aside', setAside: { by, at, ...(note === undefined ? {} : { note }) }, revision: event.revision };
      }
    }
    if (!question) throw questionNotFound(questionId);
    return question;
  }
}

export type QuestionsPage = Page<QuestionRow>;

export class ListObjectiveQuestionsQuery extends Query<QuestionsPage> {
  constructor(
    readonly tenantId: string,
    readonly objectiveId: string,
    readonly options: PageRequest & { status?: QuestionStatus },
  ) {
    super();
  }
}

/** The questions of an objective with their answers, oldest first, a page at a time. */
@QueryHandler(ListObjectiveQuestionsQuery)
export class ListObjectiveQuestionsHandler implements IQueryHandler<ListObjectiveQuestionsQuery> {
  constructor(private readonly view: CheckInsView) {}

  async execute({ tenantId, objectiveId, options }: ListObjectiveQuestionsQuery): Promise<QuestionsPage> {
    await this.view.requireObjective(tenantId, objectiveId);
    return this.view.questions(tenantId, objectiveId, options);
  }
}
