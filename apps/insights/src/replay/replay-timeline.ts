import { learningDecider, questionDecider, type EventEnvelope, type LearningEvent, type LearningState, type QuestionEvent, type QuestionState } from '@okr/okr-domain';
import { decodeCursor, encodeCursor, pageLimit, ValidationProblem, type Page, type PageRequest } from '@okr/platform';
import type { Filter, ReadCollection } from '@okr/read-store';
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
import { blockKey, counterKey, NONE, versionKey, type BlockStartDoc, type ObjectiveCounterDoc, type ReplayCheckInsDoc, type ReplayObjectiveState, type ReplayVersionDoc } from './replay-timeline.read-model';

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

/** A stream's events that occurred by `until`, opened as the log reads now (erased people read as erased). */
export type StreamReader = (streamId: string, until: Date) => AsyncIterable<Pick<EventEnvelope, 'type' | 'metadata'> & { data: unknown }>;

export const REPLAY_LIST = 'replay';

/** The names of the teams and cycles a page shows, read for those alone (a large tenant has thousands of teams). */
export type NamesOf = (teamIds: readonly string[], cycleIds: readonly string[]) => Promise<ReplayNames>;

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

/** A learning's or question's view at `asOf`, folded from its own stream (of the tenant only); undefined before its capture. */
async function viewOf(read: StreamReader, tenantId: string, version: ReplayVersionDoc, asOf: Date): Promise<{ learning?: ReplayLearning; question?: ReplayQuestion }> {
  let learning: LearningState = learningDecider.initialState();
  let question: QuestionState = questionDecider.initialState();
  for await (const event of read(version.streamId, asOf)) {
    if (event.metadata.tenantId !== tenantId || !(Date.parse(event.metadata.occurredAt) <= asOf.getTime())) continue;
    if (version.kind === 'learning') learning = learningDecider.evolve(learning, event as unknown as LearningEvent);
    else question = questionDecider.evolve(question, event as unknown as QuestionEvent);
  }
  if (learning.status !== 'empty') return { learning: replayLearning(learning) };
  if (question.status !== 'empty') return { question: replayQuestion(question) };
  return {};
}

/**
 * The learnings and questions valid at `at` about the objectives `shownIds`, and with `others`,
 * those about no shown objective that the filter keeps (unfiltered: about no objective; a team alone:
 * the team's), in the order they were set.
 */
async function aboutShown(
  collections: TimelineCollections,
  read: StreamReader,
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
  const views = await Promise.all(unique.map((version) => viewOf(read, tenantId, version, new Date(at))));
  return {
    learnings: views.flatMap((view) => (view.learning ? [view.learning] : [])),
    questions: views.flatMap((view) => (view.question ? [view.question] : [])),
  };
}

/** Where a page starts: after the objective set `seq`-th in the log, found in block `block`. */
interface After {
  seq: number;
  block: number;
}

const afterOf = (cursor: string | undefined): After | undefined => {
  if (cursor === undefined) return undefined;
  const { key, id } = decodeCursor(REPLAY_LIST, cursor);
  const block = Number(id.split('|')[0]);
  if (typeof key !== 'number' || !Number.isInteger(block)) throw new ValidationProblem([{ field: 'cursor', message: 'cursor is not a cursor of this list (use the nextCursor of its previous page)' }]);
  return { seq: key, block };
};

/**
 * The objective versions of one page, in `seq` order, and whether more follow. A team or a subtree is
 * a few objectives: one query. The whole organisation or a cycle is read block after block from the
 * cursor's, until the page is full, so a page costs a few blocks whatever the tenant's size.
 */
async function objectivesPage(
  versions: TimelineCollections['versions'],
  query: Filter,
  at: number,
  after: After | undefined,
  limit: number,
  filter: TimelineFilter,
): Promise<ReplayVersionDoc[]> {
  const beyond = after === undefined ? {} : { seq: { $gt: after.seq } };
  if (filter.teamId !== undefined || filter.subtreeOf !== undefined) {
    return versions.find({ ...query, ...beyond }, { sort: { seq: 1 }, limit: limit + 1 });
  }
  const tenantId = query['tenantId'] as string;
  const counter = (await versions.findOne({ _id: counterKey(tenantId) })) as unknown as ObjectiveCounterDoc | null;
  const blocks = counter === null ? 0 : Math.ceil(counter.count / counter.blockSize);
  const found: ReplayVersionDoc[] = [];
  for (let block = after?.block ?? 0; block < blocks && found.length <= limit; block += 1) {
    // A block whose objectives were all set after the instant holds nothing valid then.
    const start = (await versions.findOne({ _id: blockKey(tenantId, block) })) as unknown as BlockStartDoc | null;
    if (start !== null && start.from > at) continue;
    found.push(...(await versions.find({ ...query, block, ...beyond }, { sort: { seq: 1 } })));
  }
  return found.slice(0, limit + 1);
}

/** One page of the replay of `tenantId` at `asOf` (see {@link ReplayPage}). */
export async function replayPage(
  collections: TimelineCollections,
  read: StreamReader,
  tenantId: string,
  asOf: Date,
  filter: TimelineFilter,
  page: PageRequest,
  names: ReplayNames | NamesOf,
  checkIns: CheckInsReading,
): Promise<ReplayPage> {
  const at = asOf.getTime();
  const query = await objectivesFilter(collections, tenantId, at, filter);
  const limit = pageLimit(page);
  const found = query === undefined ? [] : await objectivesPage(collections.versions, query, at, afterOf(page.cursor), limit, filter);
  const shown = found.slice(0, limit);
  const last = shown[shown.length - 1];
  const nextCursor = found.length > limit ? encodeCursor(REPLAY_LIST, { key: last.seq, id: `${last.block}|${last.objectiveId}` }) : null;
  const states = shown.map((version) => version.state as ReplayObjectiveState);
  const entries = await checkInsOf(collections, tenantId, states);
  const named = typeof names === 'function' ? await names([...new Set(states.map((s) => s.teamId))], [...new Set(states.map((s) => s.cycleId))]) : names;
  const items = states.map((state) => replayObjective(state, entries, asOf, named, checkIns));
  const related = await aboutShown(collections, read, tenantId, at, items.map((o) => o.id), filter, page.cursor === undefined);
  return { asOf: asOf.toISOString(), items, nextCursor, ...related };
}
