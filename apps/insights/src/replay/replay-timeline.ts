import type { LearningState, QuestionState } from '@okr/okr-domain';
import type { Page, PageRequest } from '@okr/platform';
import { pageCollection, type Filter, type ReadCollection } from '@okr/read-store';
import {
  replayLearning,
  replayObjective,
  replayQuestion,
  type CheckInEventOf,
  type CheckInsReading,
  type ReplayFilter,
  type ReplayLearning,
  type ReplayNames,
  type ReplayObjective,
  type ReplayQuestion,
} from './replay';
import { NONE, versionKey, type ReplayCheckInsDoc, type ReplayObjectiveState, type ReplayVersionDoc } from './replay-timeline.read-model';

/**
 * Replay answered from the temporal read model (`replay-timeline.read-model.ts`): the versions valid
 * at the instant, of the caller's tenant only, one page of objectives at a time, and the check-ins of
 * that page's key results alone. Each answer equals the fold of the log (`replayAt`) for the same
 * instant, filter and reading; the replay tests compare the two.
 */

/** Team and cycle as in {@link ReplayFilter}, and the subtree of one objective (it and everything aligned under it then). */
export interface TimelineFilter extends ReplayFilter {
  subtreeOf?: string;
}

/**
 * One page of the replay: the objectives in the order they were set, and the learnings and questions
 * about them; those about no objective on any page (about no objective, or of the filtered team) come
 * with the first page.
 */
export interface ReplayPage extends Page<ReplayObjective> {
  asOf: string;
  learnings: ReplayLearning[];
  questions: ReplayQuestion[];
}

export interface TimelineCollections {
  versions: ReadCollection<ReplayVersionDoc>;
  checkIns: ReadCollection<ReplayCheckInsDoc>;
}

export const REPLAY_LIST = 'replay';

const validAt = (at: number): Filter => ({ validFrom: { $lte: at }, validTo: { $gt: at } });

/** Everything aligned under `root` (itself included) at the instant, from the `parents` of the versions valid then. */
async function subtreeIds(versions: TimelineCollections['versions'], tenantId: string, at: number, root: string): Promise<string[]> {
  const all = await versions.find({ tenantId, kind: 'objective', ...validAt(at) }, { projection: { objectiveId: 1, parents: 1 } });
  const children = new Map<string, string[]>();
  for (const { objectiveId, parents } of all) for (const parent of parents) children.set(parent, [...(children.get(parent) ?? []), objectiveId]);
  if (!all.some((version) => version.objectiveId === root)) return [];
  const seen = new Set([root]);
  for (const id of seen) for (const child of children.get(id) ?? []) seen.add(child);
  return [...seen];
}

/** The filter of the objectives shown at `at`, or undefined when none can be (an unknown subtree root). */
async function objectivesFilter(collections: TimelineCollections, tenantId: string, at: number, filter: TimelineFilter): Promise<Filter | undefined> {
  const query: Filter = { tenantId, kind: 'objective', ...validAt(at) };
  if (filter.teamId !== undefined) query['teamId'] = filter.teamId;
  if (filter.cycleId !== undefined) query['cycleId'] = filter.cycleId;
  if (filter.subtreeOf !== undefined) {
    const ids = await subtreeIds(collections.versions, tenantId, at, filter.subtreeOf);
    if (ids.length === 0) return undefined;
    query['objectiveId'] = { $in: ids };
  }
  return query;
}

/** The check-in entries of the key results of `objectives`, by key result id (one read). */
export async function checkInsOf(collections: TimelineCollections, tenantId: string, objectives: readonly ReplayObjectiveState[]): Promise<(keyResultId: string) => CheckInEventOf[]> {
  const ids = objectives.flatMap((objective) => objective.keyResults.filter((kr) => !kr.dropped).map((kr) => versionKey(tenantId, `checkins-${kr.id}`)));
  const docs = ids.length === 0 ? [] : await collections.checkIns.find({ _id: { $in: ids } });
  const byId = new Map(docs.map((doc) => [doc._id, doc.entries]));
  return (keyResultId) => byId.get(versionKey(tenantId, `checkins-${keyResultId}`)) ?? [];
}

type Shown = Extract<LearningState | QuestionState, { id: string }>;

const toView = (version: ReplayVersionDoc): { kind: 'learning'; view: ReplayLearning } | { kind: 'question'; view: ReplayQuestion } =>
  version.kind === 'learning'
    ? { kind: 'learning', view: replayLearning(version.state as Extract<LearningState, { id: string }>) }
    : { kind: 'question', view: replayQuestion(version.state as Extract<QuestionState, { id: string }>) };

/**
 * The learnings and questions valid at `at` about the objectives `shownIds`, and with `others`,
 * those about no shown objective that the filter keeps (unfiltered: about no objective; a team alone:
 * the team's), in the order they were set.
 */
async function aboutShown(
  collections: TimelineCollections,
  tenantId: string,
  at: number,
  shownIds: readonly string[],
  filter: TimelineFilter,
  others: boolean,
): Promise<Pick<ReplayPage, 'learnings' | 'questions'>> {
  const kinds = { $in: ['learning', 'question'] };
  const found = shownIds.length === 0 ? [] : await collections.versions.find({ tenantId, kind: kinds, objectiveId: { $in: [...shownIds] }, ...validAt(at) });
  if (others && filter.cycleId === undefined && filter.subtreeOf === undefined) {
    const extra =
      filter.teamId === undefined
        ? await collections.versions.find({ tenantId, kind: kinds, objectiveId: NONE, ...validAt(at) })
        : await collections.versions.find({ tenantId, kind: kinds, teamId: filter.teamId, ...validAt(at) });
    // Those about an objective that is shown belong to its page.
    const about = [...new Set(extra.map((version) => version.objectiveId).filter((id) => id !== NONE))];
    const query = await objectivesFilter(collections, tenantId, at, filter);
    const shownAnywhere = new Set(
      about.length === 0 || query === undefined ? [] : (await collections.versions.find({ ...query, objectiveId: { $in: about } }, { projection: { objectiveId: 1 } })).map((v) => v.objectiveId),
    );
    found.push(...extra.filter((version) => !shownAnywhere.has(version.objectiveId)));
  }
  const unique = [...new Map(found.map((version) => [version._id, version])).values()].sort((a, b) => a.seq - b.seq);
  const learnings: ReplayLearning[] = [];
  const questions: ReplayQuestion[] = [];
  for (const version of unique) {
    if ((version.state as Shown | { status: 'empty' }).status === 'empty') continue;
    const shown = toView(version);
    if (shown.kind === 'learning') learnings.push(shown.view);
    else questions.push(shown.view);
  }
  return { learnings, questions };
}

/** One page of the replay of `tenantId` at `asOf` (see {@link ReplayPage}). */
export async function replayPage(
  collections: TimelineCollections,
  tenantId: string,
  asOf: Date,
  filter: TimelineFilter,
  page: PageRequest,
  names: ReplayNames,
  checkIns: CheckInsReading,
): Promise<ReplayPage> {
  const at = asOf.getTime();
  const query = await objectivesFilter(collections, tenantId, at, filter);
  const found = query === undefined ? { items: [], nextCursor: null } : await pageCollection(collections.versions, query, page, { list: REPLAY_LIST, sortBy: 'seq', order: 'asc' });
  const states = found.items.map((version) => version.state as ReplayObjectiveState);
  const entries = await checkInsOf(collections, tenantId, states);
  const items = states.map((state) => replayObjective(state, entries, asOf, names, checkIns));
  const related = await aboutShown(collections, tenantId, at, items.map((o) => o.id), filter, page.cursor === undefined);
  return { asOf: asOf.toISOString(), items, nextCursor: found.nextCursor, ...related };
}
