import { Inject, Injectable } from '@nestjs/common';
import type { EvidenceKind, LearningResult } from '@okr/okr-domain';
import { notFound, targetOf } from '@okr/okr-domain';
import { mapPage, pageArray, type Page, type PageRequest } from '@okr/platform';
import { READ_STORE, pageCollection, type Filter, type ReadStore } from '@okr/read-store';
import {
  atRiskReasons,
  currentSeriesFilter,
  keyResultSeriesModel,
  learningStats,
  learningsFeedModel,
  objectiveSummaryModel,
  questionsModel,
  seriesKeyResultId,
  UNKNOWN_CYCLE,
  type AtRiskItem,
  type AtRiskOptions,
  type LearningFeedDoc,
  type LearningStats,
  type ObjectiveSummaryDoc,
  type QuestionDoc,
  type SeriesDoc,
  type SeriesPointDoc,
} from '../projections';
import { AT_RISK_OPTIONS } from './at-risk.config';
import { cyclesModel, type CycleDoc } from './cycles.read-model';
import { currentCycleOf, cycleLabel, objectiveStanding } from './objective-standing';
import { teamLabels, teamsModel, type TeamDoc } from './teams.read-model';
import { ReadModelCollections } from '@okr/messaging';

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

/** Queries over the read models; every filter starts with the caller's tenant. */
@Injectable()
export class ReadModelQueries {
  private readonly collections: ReadModelCollections;

  constructor(
    @Inject(READ_STORE) store: ReadStore,
    @Inject(AT_RISK_OPTIONS) private readonly atRiskOptions: AtRiskOptions,
  ) {
    this.collections = new ReadModelCollections(store);
  }

  async objectiveSummary(tenantId: string, objectiveId: string) {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const doc = await summaries.findOne({ _id: objectiveId, tenantId });
    if (doc === null) throw notFound('objective-not-found', 'This objective does not exist', { objectiveId });
    const questions = await this.collections.of<QuestionDoc>(questionsModel);
    const cycle = doc.cycleId === null ? null : await (await this.collections.of<CycleDoc>(cyclesModel)).findOne({ _id: doc.cycleId, tenantId });
    const teams = await teamLabels(await this.collections.of<TeamDoc>(teamsModel), tenantId, [doc.teamId]);
    const now = new Date();
    const { _id: id, tenantId: _tenantId, ...fields } = doc;
    return {
      id,
      ...fields,
      teamName: doc.teamId === null ? null : (teams.get(doc.teamId)?.name ?? doc.teamId),
      cycle: cycleLabel(cycle, now),
      standing: objectiveStanding(doc, cycle, now),
      openQuestions: await questions.count({ tenantId, objectiveId, status: 'open' }),
    };
  }

  async keyResultSeries(tenantId: string, keyResultId: string): Promise<{ keyResultId: string; objectiveId: string; points: SeriesPoint[] }> {
    const series = await this.collections.of<SeriesDoc>(keyResultSeriesModel);
    const keyResult = await series.findOne({ _id: seriesKeyResultId(keyResultId), tenantId });
    const points = (await series.find(
      { ...currentSeriesFilter(keyResultId), tenantId },
      { sort: { effectiveAtMs: 1, recordedAt: 1 } },
    )) as SeriesPointDoc[];
    if (keyResult === null && points.length === 0) {
      throw notFound('key-result-not-found', 'This key result does not exist', { keyResultId });
    }
    return {
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
    };
  }

  async atRisk(tenantId: string, cycleId?: string, page: PageRequest = {}, now = new Date()): Promise<Page<AtRiskListItem>> {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const active = await summaries.find({ tenantId, status: 'active', ...(cycleId === undefined ? {} : { cycleId }) }, { sort: { _id: 1 } });
    // Computed from the summaries at each request (risk depends on the clock), then keyset-paged by
    // objective and key result ids (UUIDv7: the order they were set and added).
    const items = (await this.atRiskOf(tenantId, active, now)).sort((a, b) => compareIds(atRiskId(a), atRiskId(b)));
    const paged = pageArray(items, page, { list: 'at-risk', position: (item) => ({ key: null, id: atRiskId(item) }) });
    const teams = await teamLabels(await this.collections.of<TeamDoc>(teamsModel), tenantId, active.map((o) => o.teamId));
    const teamOf = new Map(active.map((o) => [o._id, o.teamId]));
    return mapPage(paged, (item) => {
      const teamId = teamOf.get(item.objectiveId) ?? null;
      return { ...item, teamId, teamName: teamId === null ? null : (teams.get(teamId)?.name ?? teamId) };
    });
  }

  async learnings(tenantId: string, filter: LearningsFilter, page: PageRequest = {}): Promise<Page<unknown> & { stats: LearningStats }> {
    const feed = await this.collections.of<LearningFeedDoc>(learningsFeedModel);
    const query: Filter = { tenantId };
    if (filter.cycleId !== undefined) {
      // The feed knows objectives, not cycles: a cycle's learnings are those of its objectives.
      const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
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
    return { ...mapPage(learnings, publicOf), stats };
  }

  /** A team's dashboard for one cycle: `cycleId`, or the team's current cycle when none is given. */
  async teamDashboard(tenantId: string, teamId: string, requestedCycleId?: string, now = new Date()) {
    const summaries = await this.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const ofTeam = await summaries.find({ tenantId, teamId }, { sort: { setAt: 1, _id: 1 } });
    const cycles = await this.cyclesOf(tenantId, ofTeam);
    const cycleId = requestedCycleId ?? currentCycleOf(cycles.values(), now)?._id;
    const objectives = cycleId === undefined ? ofTeam : ofTeam.filter((o) => o.cycleId === cycleId);
    const atRisk = await this.atRiskOf(tenantId, objectives, now);
    const feed = await this.collections.of<LearningFeedDoc>(learningsFeedModel);
    const learningFilter: Filter =
      cycleId === undefined ? { tenantId, teamId } : { tenantId, teamId, objectiveId: { $in: objectives.map((o) => o._id) } };
    const learnings = await feed.count(learningFilter);
    const byStatus: Record<string, number> = {};
    for (const objective of objectives) byStatus[objective.status] = (byStatus[objective.status] ?? 0) + 1;
    const openQuestions = await this.openQuestionsOf(tenantId, objectives);
    const team = (await teamLabels(await this.collections.of<TeamDoc>(teamsModel), tenantId, [teamId])).get(teamId);
    return {
      teamId,
      teamName: team?.name ?? teamId,
      parentTeamId: team?.parentTeamId ?? null,
      cycleId: cycleId ?? null,
      /** The cycle shown, by name (the team's current one unless `?cycleId=` chose); null when the team has no cycle yet. */
      cycle: cycleId === undefined ? null : cycleLabel(cycles.get(cycleId), now),
      /** Every cycle of the team's objectives, newest first: the dashboard of another is `?cycleId=` of one of them. */
      cycles: [...cycles.values()].sort((a, b) => b.startsOn.localeCompare(a.startsOn)).map((c) => cycleLabel(c, now)),
      objectives: objectives.map((o) => ({
        id: o._id,
        title: o.title,
        cycleId: o.cycleId,
        cycleName: o.cycleId === null ? null : (cycles.get(o.cycleId)?.name ?? null),
        status: o.status,
        standing: objectiveStanding(o, o.cycleId === null ? null : cycles.get(o.cycleId), now),
        progress: o.progress,
        confidence: o.confidence,
        lastCheckInAt: o.lastCheckInAt,
        grade: o.grade,
        atRisk: atRisk.some((item) => item.objectiveId === o._id),
        openQuestions: openQuestions.filter((q) => q.objectiveId === o._id).length,
        keyResults: o.keyResults
          .filter((kr) => !kr.dropped)
          .map((kr) => ({
            id: kr.id,
            title: kr.title,
            kind: kr.kind,
            target: kr.measure === null ? null : (targetOf(kr.measure) ?? null),
            unit: kr.measure !== null && 'unit' in kr.measure ? (kr.measure.unit ?? null) : null,
            value: kr.value,
            confidence: kr.confidence,
            progress: kr.progress,
          })),
      })),
      counts: {
        objectives: objectives.length,
        byStatus,
        keyResultsAtRisk: atRisk.length,
        objectivesAtRisk: new Set(atRisk.map((item) => item.objectiveId)).size,
        learnings,
        openQuestions: openQuestions.length,
      },
      openQuestions,
    };
  }

  /** The open questions on these objectives, oldest first, with the titles a person reads. */
  private async openQuestionsOf(tenantId: string, objectives: readonly ObjectiveSummaryDoc[]) {
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

  private async cyclesOf(tenantId: string, summaries: readonly ObjectiveSummaryDoc[]): Promise<Map<string, CycleDoc>> {
    const cycleIds = [...new Set(summaries.map((s) => s.cycleId).filter((id): id is string => id !== null))];
    const cycles = await this.collections.of<CycleDoc>(cyclesModel);
    return new Map((await cycles.find({ tenantId, _id: { $in: cycleIds } })).map((c) => [c._id, c]));
  }

  private async atRiskOf(tenantId: string, summaries: readonly ObjectiveSummaryDoc[], now: Date): Promise<AtRiskItem[]> {
    const known = await this.cyclesOf(tenantId, summaries);
    return summaries.flatMap((summary) =>
      atRiskReasons(summary, (summary.cycleId !== null && known.get(summary.cycleId)) || UNKNOWN_CYCLE, now, this.atRiskOptions),
    );
  }
}

export type AtRiskListItem = AtRiskItem & { teamId: string | null; teamName: string | null };

const atRiskId = (item: AtRiskItem): string => `${item.objectiveId}|${item.keyResultId}`;
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
