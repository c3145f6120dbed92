import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { questionStreamName, type QuestionAnswered, type QuestionAsked, type QuestionSetAside, type QuestionStatus, type QuestionSubject } from '@okr/okr-domain';
import type { Page, PageRequest } from '@okr/platform';
import { CheckInsView } from '../view/check-ins.view';
import { questionNotFound } from './question.commands';

export interface AnswerRow {
  text: string;
  answeredBy: string;
  answeredAt: string;
}

/** A question with its answers, as `GET /objectives/{id}/questions` lists it. */
export interface QuestionRow {
  id: string;
  subject: QuestionSubject;
  subjectId: string;
  objectiveId?: string;
  keyResultId?: string;
  teamId?: string;
  text: string;
  askedBy: string;
  askedAt: string;
  status: QuestionStatus;
  answers: AnswerRow[];
  setAside?: { by: string; at: string; note?: string };
}

export type QuestionView = QuestionRow & { revision: number };

/** A question folded from its stream (its people's words as the event store opens them: erased ones read as erased). */
async function readQuestion(store: EventStore, tenantId: string, questionId: string): Promise<QuestionView> {
  let question: QuestionView | undefined;
  for await (const event of store.readStream(questionStreamName(questionId))) {
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

  execute({ tenantId, questionId }: GetQuestionQuery): Promise<QuestionView> {
    return readQuestion(this.store, tenantId, questionId);
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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  async execute({ tenantId, objectiveId, options }: ListObjectiveQuestionsQuery): Promise<QuestionsPage> {
    await this.view.requireObjective(tenantId, objectiveId);
    const page = await this.view.questions(tenantId, objectiveId, options);
    const items = await Promise.all(page.items.map(async (questionId) => {
      const { revision: _revision, ...question } = await readQuestion(this.store, tenantId, questionId);
      return question;
    }));
    return { items, nextCursor: page.nextCursor };
  }
}
