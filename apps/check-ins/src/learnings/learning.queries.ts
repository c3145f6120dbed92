import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadAggregate, type EventStore } from '@okr/event-store';
import { learningDecider, learningStreamName, notFound, type LearningState } from '@okr/okr-domain';
import { pageHistory, streamHistory, type HistoryEntry, type Page, type PageRequest } from '@okr/platform';
import { CheckInsView } from '../view/check-ins.view';

/** A learning as the lists of an objective and of a key result show it. */
export interface LearningRow {
  id: string;
  objectiveId?: string;
  keyResultIds: string[];
  result: string;
  insight: string;
  capturedAt: string;
}

const learningNotFound = (learningId: string) => notFound('learning-not-found', 'This learning does not exist', { learningId });

export type LearningView = Omit<Extract<LearningState, { status: 'captured' }>, 'status' | 'authors'> & {
  revision: number;
  capturedAt: string;
  updatedAt: string;
  updatedBy: string;
};

export class GetLearningQuery extends Query<LearningView> {
  constructor(
    readonly tenantId: string,
    readonly learningId: string,
  ) {
    super();
  }
}

/** The learning now: its fields with revisions folded in, who acknowledged it, its revision (ETag). */
@QueryHandler(GetLearningQuery)
export class GetLearningHandler implements IQueryHandler<GetLearningQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, learningId }: GetLearningQuery): Promise<LearningView> {
    const stream = learningStreamName(learningId);
    const loaded = await loadAggregate(this.store, stream, learningDecider, tenantId);
    if (loaded.state.status === 'empty' || loaded.revision === 'no_stream' || !loaded.last) throw learningNotFound(learningId);
    let capturedAt = loaded.last.metadata.occurredAt;
    for await (const first of this.store.readStream(stream)) {
      capturedAt = first.metadata.occurredAt;
      break;
    }
    const { status: _status, authors: _authors, ...fields } = loaded.state;
    return {
      ...fields,
      revision: loaded.revision,
      capturedAt,
      updatedAt: loaded.last.metadata.occurredAt,
      updatedBy: loaded.last.metadata.actor,
    };
  }
}

/** Every event of a learning, oldest first: who captured, revised (and why) and acknowledged it. */
export class GetLearningHistoryQuery extends Query<Page<HistoryEntry>> {
  constructor(
    readonly tenantId: string,
    readonly learningId: string,
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

@QueryHandler(GetLearningHistoryQuery)
export class GetLearningHistoryHandler implements IQueryHandler<GetLearningHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, learningId, page }: GetLearningHistoryQuery): Promise<Page<HistoryEntry>> {
    const events = await streamHistory(this.store, learningStreamName(learningId), tenantId);
    if (!events) throw learningNotFound(learningId);
    return pageHistory(events, page, 'learning-history');
  }
}

/** The learnings of an objective or of a key result, oldest first, from the view's learnings index. */
export class ListLearningsQuery extends Query<Page<LearningRow>> {
  constructor(
    readonly tenantId: string,
    readonly of: { objectiveId: string } | { keyResultId: string },
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

@QueryHandler(ListLearningsQuery)
export class ListLearningsHandler implements IQueryHandler<ListLearningsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
  ) {}

  /** The page's learnings from the index, their texts from their streams (where erasure reaches them). */
  async execute({ tenantId, of, page }: ListLearningsQuery): Promise<Page<LearningRow>> {
    if ('objectiveId' in of) await this.view.requireObjective(tenantId, of.objectiveId);
    else await this.view.requireKeyResult(tenantId, of.keyResultId);
    const found = await this.view.learnings(tenantId, of, page);
    const items = await Promise.all(
      found.items.map(async (doc): Promise<LearningRow> => {
        const { state } = await loadAggregate(this.store, learningStreamName(doc.learningId), learningDecider, tenantId);
        if (state.status === 'empty') throw new Error(`Learning ${doc.learningId} is in the learnings index but its stream is empty`);
        return {
          id: doc.learningId,
          ...(doc.objectiveId === null ? {} : { objectiveId: doc.objectiveId }),
          keyResultIds: state.keyResultIds,
          result: state.result,
          insight: state.insight,
          capturedAt: doc.capturedAt,
        };
      }),
    );
    return { items, nextCursor: found.nextCursor };
  }
}
