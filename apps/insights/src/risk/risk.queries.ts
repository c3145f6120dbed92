import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import {
  evolveKeyResultRisk,
  initialKeyResultRiskState,
  insightStreamName,
  notFound,
  type KeyResultAtRisk,
  type KeyResultRiskEvent,
  type KeyResultRiskReason,
} from '@okr/okr-domain';
import { streamHistory } from '@okr/platform';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { objectiveSummaryModel, type ObjectiveSummaryDoc } from '../projections';
import { ReadModelCollections } from '@okr/messaging';

export interface RiskHistoryEntry {
  type: KeyResultRiskEvent['type'];
  revision: number;
  actor: string;
  occurredAt: string;
  causationId: string;
  data: KeyResultRiskEvent['data'];
}

export interface KeyResultRisk {
  keyResultId: string;
  atRisk: boolean;
  /** The reasons of the last `KeyResultAtRisk` while at risk; [] otherwise. */
  reasons: KeyResultRiskReason[];
  /** Revision of the `insight-{keyResultId}` stream; -1 before its first event. */
  revision: number;
  /** Every risk event of the key result, oldest first. */
  history: RiskHistoryEntry[];
}

export class GetKeyResultRiskQuery extends Query<KeyResultRisk> {
  constructor(
    readonly tenantId: string,
    readonly keyResultId: string,
  ) {
    super();
  }
}

/** A key result's risk as its `insight-*` stream says, for the caller's tenant. */
@QueryHandler(GetKeyResultRiskQuery)
export class GetKeyResultRiskHandler implements IQueryHandler<GetKeyResultRiskQuery> {
  private readonly collections: ReadModelCollections;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) store: ReadStore,
  ) {
    this.collections = new ReadModelCollections(store);
  }

  /** 404 when neither the stream nor the objective summary knows the key result in this tenant. */
  async execute({ tenantId, keyResultId }: GetKeyResultRiskQuery): Promise<KeyResultRisk> {
    const history = await streamHistory(this.events, insightStreamName(keyResultId), tenantId);
    if (history === undefined) {
      const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
      if ((await summaries.findOne({ tenantId, 'keyResults.id': keyResultId })) === null) {
        throw notFound('key-result-not-found', 'This key result does not exist', { keyResultId });
      }
      return { keyResultId, atRisk: false, reasons: [], revision: -1, history: [] };
    }
    const events = history.map((entry) => ({ type: entry.type, data: entry.data }) as KeyResultRiskEvent);
    const state = events.reduce(evolveKeyResultRisk, initialKeyResultRiskState());
    const last = events.at(-1);
    return {
      keyResultId,
      atRisk: state.atRisk,
      reasons: state.atRisk && last?.type === 'KeyResultAtRisk' ? (last as KeyResultAtRisk).data.reasons : [],
      revision: history[history.length - 1].revision,
      history: history.map(({ type, revision, actor, occurredAt, causationId, data }) => ({
        type: type as KeyResultRiskEvent['type'],
        revision,
        actor,
        occurredAt,
        causationId,
        data: data as KeyResultRiskEvent['data'],
      })),
    };
  }
}
