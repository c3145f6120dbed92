import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EvidenceKind, LearningResult } from '@okr/okr-domain';
import { notFound } from '@okr/okr-domain';
import { mapPage, pageArray, type Page, type PageRequest } from '@okr/platform';
import { pageCollection, type Filter } from '@okr/read-store';
import {
  currentSeriesFilter,
  keyResultSeriesModel,
  learningStats,
  learningsFeedModel,
  objectiveSummaryModel,
  questionsModel,
  seriesKeyResultId,
  type AtRiskItem,
  type LearningFeedDoc,
  type LearningStats,
  type ObjectiveSummaryDoc,
  type QuestionDoc,
  type SeriesDoc,
  type SeriesPointDoc,
} from '../projections';
import { cyclesModel, type CycleDoc } from './cycles.read-model';
import type { KeyResultSeriesDto } from './key-result-series.dto';
import type { ObjectiveSummaryDto } from './objective-summary.dto';
import { cycleLabel, objectiveStanding } from './objective-standing';
import { ReadModelReader } from './read-model-reader';
import { teamLabels, teamsModel, type TeamDoc } from './teams.read-model';

/** A document as the API shows it: `_id` -> `id`, without the tenant (always the caller's). */
const publicOf = <D extends { _id: string; tenantId?: unknown }>(doc: D): Omit<D, '_id' | 'tenantId'> & { id: string } => {
  const { _id, tenantId: _tenantId, ...rest } = doc;
  return { id: _id, ...rest };
};

export interface SeriesPoint {
  checkInId: string;
  effectiveAt: string;
  recordedAt: string;
  value: SeriesPointDoc['value'];
  confidence: number | null;
  source?: string;
  progress: number | null;
  target: SeriesPointDoc['target'];
  corrections: number;
}

export interface LearningsFilter {
  teamId?: string;
  cycleId?: string;
  objectiveId?: string;
  result?: LearningResult;
  tag?: string;
  evidenceKind?: EvidenceKind;
}

export class GetObjectiveSummaryQuery extends Query<ObjectiveSummaryDto> {
  constructor(
    readonly tenantId: string,
    readonly objectiveId: string,
  ) {
    super();
  }
}

/** An objective's summary with its cycle, standing and open questions; 404 when absent in this tenant. */
@QueryHandler(GetObjectiveSummaryQuery)
export class GetObjectiveSummaryHandler implements IQueryHandler<GetObjectiveSummaryQuery> {
  constructor(private readonly reader: ReadModelReader) {}

  async execute({ tenantId, objectiveId }: GetObjectiveSummaryQuery): Promise<ObjectiveSummaryDto> {
    const summaries = await this.reader.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const doc = await summaries.findOne({ _id: objectiveId, tenantId });
    if (doc === null) throw notFound('objective-not-found', 'This objective does not exist', { objectiveId });
    const questions = await this.reader.collections.of<QuestionDoc>(questionsModel);
    const cycle = doc.cycleId === null ? null : await (await this.reader.collections.of<CycleDoc>(cyclesModel)).findOne({ _id: doc.cycleId, tenantId });
    const teams = await teamLabels(await this.reader.collections.of<TeamDoc>(teamsModel), tenantId, [doc.teamId]);
    const now = new Date();
    const { _id: id, tenantId: _tenantId, ...fields } = doc;
    return this.reader.open({
      id,
      ...fields,
      teamName: doc.teamId === null ? null : (teams.get(doc.teamId)?.name ?? doc.teamId),
      cycle: cycleLabel(cycle, now),
      standing: objectiveStanding(doc, cycle, now),
      openQuestions: await questions.count({ tenantId, objectiveId, status: 'open' }),
    });
  }
}

export class GetKeyResultSeriesQuery extends Query<KeyResultSeriesDto> {
  constructor(
    readonly tenantId: string,
    readonly keyResultId: string,
  ) {
    super();
  }
}

/** A key result's current check-ins as points, by effectiveAt; 404 when absent in this tenant. */
@QueryHandler(GetKeyResultSeriesQuery)
export class GetKeyResultSeriesHandler implements IQueryHandler<GetKeyResultSeriesQuery> {
  constructor(private readonly reader: ReadModelReader) {}

  async execute({ tenantId, keyResultId }: GetKeyResultSeriesQuery): Promise<KeyResultSeriesDto> {
    const series = await this.reader.collections.of<SeriesDoc>(keyResultSeriesModel);
    const keyResult = await series.findOne({ _id: seriesKeyResultId(keyResultId), tenantId });
    const points = (await series.find(
      { ...currentSeriesFilter(keyResultId), tenantId },
      { sort: { effectiveAtMs: 1, recordedAt: 1 } },
    )) as SeriesPointDoc[];
    if (keyResult === null && points.length === 0) {
      throw notFound('key-result-not-found', 'This key result does not exist', { keyResultId });
    }
    return this.reader.open({
      keyResultId,
      objectiveId: (keyResult?.objectiveId as string | undefined) ?? points[0].objectiveId,
      points: points.map(({ checkInId, effectiveAt, recordedAt, value, confidence, source, progress, target, corrections }) => ({
        checkInId,
        effectiveAt,
        recordedAt,
        value,
        confidence,
        ...(source === undefined ? {} : { source }),
        progress,
        target,
        corrections,
      })),
    });
  }
}

export class ListAtRiskQuery extends Query<Page<AtRiskListItem>> {
  constructor(
    readonly tenantId: string,
    readonly cycleId: string | undefined,
    readonly page: PageRequest = {},
    readonly now = new Date(),
  ) {
    super();
  }
}

/** Key results of active objectives at risk (computed at each request: risk depends on the clock). */
@QueryHandler(ListAtRiskQuery)
export class ListAtRiskHandler implements IQueryHandler<ListAtRiskQuery> {
  constructor(private readonly reader: ReadModelReader) {}

  async execute({ tenantId, cycleId, page, now }: ListAtRiskQuery): Promise<Page<AtRiskListItem>> {
    const summaries = await this.reader.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const active = await summaries.find({ tenantId, status: 'active', ...(cycleId === undefined ? {} : { cycleId }) }, { sort: { _id: 1 } });
    // Computed from the summaries at each request (risk depends on the clock), then keyset-paged by
    // objective and key result ids (UUIDv7: the order they were set and added).
    const items = (await this.reader.atRiskOf(tenantId, active, now)).sort((a, b) => compareIds(atRiskId(a), atRiskId(b)));
    const paged = pageArray(items, page, { list: 'at-risk', position: (item) => ({ key: null, id: atRiskId(item) }) });
    const teams = await teamLabels(await this.reader.collections.of<TeamDoc>(teamsModel), tenantId, active.map((o) => o.teamId));
    const teamOf = new Map(active.map((o) => [o._id, o.teamId]));
    return this.reader.open(
      mapPage(paged, (item) => {
        const teamId = teamOf.get(item.objectiveId) ?? null;
        return { ...item, teamId, teamName: teamId === null ? null : (teams.get(teamId)?.name ?? teamId) };
      }),
    );
  }
}

export class ListLearningsFeedQuery extends Query<Page<unknown> & { stats: LearningStats }> {
  constructor(
    readonly tenantId: string,
    readonly filter: LearningsFilter,
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

/** Learnings, newest first, with stats over every learning the filters select. */
@QueryHandler(ListLearningsFeedQuery)
export class ListLearningsFeedHandler implements IQueryHandler<ListLearningsFeedQuery> {
  constructor(private readonly reader: ReadModelReader) {}

  async execute({ tenantId, filter, page }: ListLearningsFeedQuery): Promise<Page<unknown> & { stats: LearningStats }> {
    const feed = await this.reader.collections.of<LearningFeedDoc>(learningsFeedModel);
    const query: Filter = { tenantId };
    if (filter.cycleId !== undefined) {
      // The feed knows objectives, not cycles: a cycle's learnings are those of its objectives.
      const summaries = await this.reader.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
      const ofCycle = await summaries.find({ tenantId, cycleId: filter.cycleId }, { projection: { _id: 1 } });
      query['$and'] = [{ objectiveId: { $in: ofCycle.map((o) => o._id) } }];
    }
    if (filter.teamId !== undefined) query['teamId'] = filter.teamId;
    if (filter.objectiveId !== undefined) query['objectiveId'] = filter.objectiveId;
    if (filter.result !== undefined) query['result'] = filter.result;
    if (filter.tag !== undefined) query['tags'] = filter.tag;
    if (filter.evidenceKind !== undefined) query['evidence.kind'] = filter.evidenceKind;
    // Stats describe every learning the filters select; the items are one page of them, newest first.
    const stats = learningStats(await feed.find(query));
    const learnings = await pageCollection(feed, query, page, { list: 'learnings', sortBy: 'capturedAt', order: 'desc' });
    return this.reader.open({ ...mapPage(learnings, publicOf), stats });
  }
}

export type AtRiskListItem = AtRiskItem & { teamId: string | null; teamName: string | null };

const atRiskId = (item: AtRiskItem): string => `${item.objectiveId}|${item.keyResultId}`;
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
