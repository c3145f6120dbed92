import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { targetOf } from '@okr/okr-domain';
import type { Filter } from '@okr/read-store';
import { learningsFeedModel, objectiveSummaryModel, type LearningFeedDoc, type ObjectiveSummaryDoc } from '../projections';
import { currentCycleOf, cycleLabel, objectiveStanding } from './objective-standing';
import { ReadModelReader } from './read-model-reader';
import type { TeamDashboardDto } from './team-dashboard.dto';
import { teamLabels, teamsModel, type TeamDoc } from './teams.read-model';

export class GetTeamDashboardQuery extends Query<TeamDashboardDto> {
  constructor(
    readonly tenantId: string,
    readonly teamId: string,
    readonly requestedCycleId?: string,
    readonly now = new Date(),
  ) {
    super();
  }
}

/** A team's dashboard for one cycle: `requestedCycleId`, or the team's current cycle when none is given. */
@QueryHandler(GetTeamDashboardQuery)
export class GetTeamDashboardHandler implements IQueryHandler<GetTeamDashboardQuery> {
  constructor(private readonly reader: ReadModelReader) {}

  async execute({ tenantId, teamId, requestedCycleId, now }: GetTeamDashboardQuery): Promise<TeamDashboardDto> {
    const summaries = await this.reader.collections.of<ObjectiveSummaryDoc>(objectiveSummaryModel);
    const ofTeam = await summaries.find({ tenantId, teamId }, { sort: { setAt: 1, _id: 1 } });
    const cycles = await this.reader.cyclesOf(tenantId, ofTeam);
    const cycleId = requestedCycleId ?? currentCycleOf(cycles.values(), now)?._id;
    const objectives = cycleId === undefined ? ofTeam : ofTeam.filter((o) => o.cycleId === cycleId);
    const atRisk = await this.reader.atRiskOf(tenantId, objectives, now);
    const feed = await this.reader.collections.of<LearningFeedDoc>(learningsFeedModel);
    const learningFilter: Filter =
      cycleId === undefined ? { tenantId, teamId } : { tenantId, teamId, objectiveId: { $in: objectives.map((o) => o._id) } };
    const learnings = await feed.count(learningFilter);
    const byStatus: Record<string, number> = {};
    for (const objective of objectives) byStatus[objective.status] = (byStatus[objective.status] ?? 0) + 1;
    const openQuestions = await this.reader.openQuestionsOf(tenantId, objectives);
    const team = (await teamLabels(await this.reader.collections.of<TeamDoc>(teamsModel), tenantId, [teamId])).get(teamId);
    return this.reader.open({
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
    });
  }
}
