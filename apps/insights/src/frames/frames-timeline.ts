import { learningDecider, type LearningEvent, type LearningState } from '@okr/okr-domain';
import type { Filter } from '@okr/read-store';
import { replayLearning, replayObjective, type ReplayLearning, type ReplayNames } from '../replay/replay';
import { checkInsOf, type NamesOf, type StreamReader, type TimelineCollections } from '../replay/replay-timeline';
import type { ReplayObjectiveState, ReplayVersionDoc } from '../replay/replay-timeline.read-model';
import { frameInstants, type Frame, type FramesRequest, type FramesView } from './frames';

/**
 * Frames from the temporal read model: the versions overlapping `from`..`to` are read ONCE (of the
 * tenant, the team, the cycle or the objective asked for), with the check-ins of their key results and
 * the streams of their learnings; each frame then picks what was valid at its instant. Every frame
 * equals `framesOf` (the fold of the log) for the same request; the frames tests compare them. Names are
 * read for the teams and cycles of the objectives shown alone (a large tenant has thousands of teams).
 */
export async function framesFromTimeline(
  collections: TimelineCollections,
  read: StreamReader,
  tenantId: string,
  request: FramesRequest,
  names: ReplayNames | NamesOf,
): Promise<FramesView> {
  const instants = frameInstants(request.from, request.to, request.step);
  const from = request.from.getTime();
  const to = request.to.getTime();
  const overlapping: Filter = { tenantId, kind: 'objective', validFrom: { $lte: to }, validTo: { $gt: from } };
  if (request.teamId !== undefined) overlapping['teamId'] = request.teamId;
  if (request.cycleId !== undefined) overlapping['cycleId'] = request.cycleId;
  if (request.objectiveId !== undefined) overlapping['objectiveId'] = request.objectiveId;
  const versions = (await collections.versions.find(overlapping)).sort((a, b) => a.seq - b.seq || a.validFrom - b.validFrom);
  const checkIns = await checkInsOf(collections, tenantId, versions.map((version) => version.state as ReplayObjectiveState));
  const learnings = await learningsOf(collections, read, tenantId, request, versions);
  const teamOnly = request.cycleId === undefined && request.teamId !== undefined;
  const filtered = request.teamId !== undefined || request.cycleId !== undefined;

  const shownAt = instants.map((at) => versions.filter((version) => version.validFrom <= at.getTime() && at.getTime() < version.validTo));
  const states = shownAt.flat().map((version) => version.state as ReplayObjectiveState);
  const named = typeof names === 'function' ? await names([...new Set(states.map((s) => s.teamId))], [...new Set(states.map((s) => s.cycleId))]) : names;

  const frames = instants.map((at, index): Frame => {
    const t = at.getTime();
    const objectives = shownAt[index].map((version) => replayObjective(version.state as ReplayObjectiveState, checkIns, at, named, request.checkIns ?? 'known'));
    const shownIds = new Set(objectives.map((o) => o.id));
    const frameLearnings: ReplayLearning[] = [];
    for (const learning of learnings) {
      const view = learning.at(t);
      if (view === undefined) continue;
      // As the replay at the instant filters them, then (for one objective) those about it.
      const belongs = !filtered || (view.objectiveId !== undefined && shownIds.has(view.objectiveId)) || (teamOnly && learning.teamId === request.teamId);
      if (belongs && (request.objectiveId === undefined || view.objectiveId === request.objectiveId)) frameLearnings.push(view);
    }
    return { at: at.toISOString(), objectives, learnings: frameLearnings };
  });
  return { frames };
}

interface LearningFilm {
  teamId: string;
  /** The learning as it stood at `t`; undefined before its capture. */
  at(t: number): ReplayLearning | undefined;
}

/** The learnings a frame can show, each stream read once up to `to`, in the order they were captured. */
async function learningsOf(
  collections: TimelineCollections,
  read: StreamReader,
  tenantId: string,
  request: FramesRequest,
  objectives: readonly ReplayVersionDoc[],
): Promise<LearningFilm[]> {
  const captured = { tenantId, kind: 'learning', validFrom: { $lte: request.to.getTime() } };
  const about = [...new Set(objectives.map((version) => version.objectiveId))];
  const found: ReplayVersionDoc[] = [];
  if (request.objectiveId !== undefined) found.push(...(await collections.versions.find({ ...captured, objectiveId: request.objectiveId })));
  else if (about.length > 0) found.push(...(await collections.versions.find({ ...captured, objectiveId: { $in: about } })));
  if (request.cycleId === undefined && request.teamId !== undefined) found.push(...(await collections.versions.find({ ...captured, teamId: request.teamId })));
  const unique = [...new Map(found.map((version) => [version._id, version])).values()].sort((a, b) => a.seq - b.seq);
  return Promise.all(
    unique.map(async (version): Promise<LearningFilm> => {
      const events: { occurredAt: number; event: LearningEvent }[] = [];
      for await (const event of read(version.streamId, request.to)) {
        if (event.metadata.tenantId === tenantId) events.push({ occurredAt: Date.parse(event.metadata.occurredAt), event: event as unknown as LearningEvent });
      }
      return {
        teamId: version.teamId,
        at(t) {
          let state: LearningState = learningDecider.initialState();
          for (const { occurredAt, event } of events) if (occurredAt <= t) state = learningDecider.evolve(state, event);
          return state.status === 'empty' ? undefined : replayLearning(state);
        },
      };
    }),
  );
}
