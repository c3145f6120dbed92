import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, openSealedValues, type EventStore } from '@okr/event-store';
import { ReadModelCollections } from '@okr/messaging';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import {
  atRiskReasons,
  questionsModel,
  UNKNOWN_CYCLE,
  type AtRiskItem,
  type AtRiskOptions,
  type ObjectiveSummaryDoc,
  type QuestionDoc,
} from '../projections';
import { AT_RISK_OPTIONS } from './at-risk.config';
import { cyclesModel, type CycleDoc } from './cycles.read-model';

/** The reads several read-model queries share; every filter starts with the caller's tenant. */
@Injectable()
export class ReadModelReader {
  readonly collections: ReadModelCollections;

  constructor(
    @Inject(READ_STORE) store: ReadStore,
    @Inject(AT_RISK_OPTIONS) private readonly atRiskOptions: AtRiskOptions,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    this.collections = new ReadModelCollections(store);
  }

  /**
   * An answer with the personal data its read models keep sealed (owners, authors, texts) opened by
   * the key store; an erased person's reads "erased person". Every answer goes through it last.
   */
  open<T>(answer: T): Promise<T> {
    return openSealedValues(this.events, answer);
  }

  /** The open questions on these objectives, oldest first, with the titles a person reads. */
  async openQuestionsOf(tenantId: string, objectives: readonly ObjectiveSummaryDoc[]) {
    const questions = await this.collections.of<QuestionDoc>(questionsModel);
    const open = await questions.find(
      { tenantId, status: 'open', objectiveId: { $in: objectives.map((o) => o._id) } },
      { sort: { askedAt: 1, _id: 1 } },
    );
    const byId = new Map(objectives.map((o) => [o._id, o]));
    return open.map((q) => {
      const objective = q.objectiveId === null ? undefined : byId.get(q.objectiveId);
      const keyResult = objective?.keyResults.find((kr) => kr.id === q.keyResultId);
      return {
        id: q._id,
        text: q.text,
        askedBy: q.askedBy,
        askedAt: q.askedAt,
        subject: q.subject,
        objectiveId: q.objectiveId,
        objectiveTitle: objective?.title ?? null,
        keyResultId: q.keyResultId,
        keyResultTitle: keyResult?.title ?? null,
      };
    });
  }

  async cyclesOf(tenantId: string, summaries: readonly ObjectiveSummaryDoc[]): Promise<Map<string, CycleDoc>> {
    const cycleIds = [...new Set(summaries.map((s) => s.cycleId).filter((id): id is string => id !== null))];
    const cycles = await this.collections.of<CycleDoc>(cyclesModel);
    return new Map((await cycles.find({ tenantId, _id: { $in: cycleIds } })).map((c) => [c._id, c]));
  }

  async atRiskOf(tenantId: string, summaries: readonly ObjectiveSummaryDoc[], now: Date): Promise<AtRiskItem[]> {
    const known = await this.cyclesOf(tenantId, summaries);
    return summaries.flatMap((summary) =>
      atRiskReasons(summary, (summary.cycleId !== null && known.get(summary.cycleId)) || UNKNOWN_CYCLE, now, this.atRiskOptions),
    );
  }
}
