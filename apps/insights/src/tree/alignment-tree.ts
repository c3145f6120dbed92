import { PROGRESS_DECIMALS, roundForPeople } from '@okr/okr-domain';
import type { KeyResultSummary, ObjectiveSummaryDoc } from '../projections';

/**
 * The alignment tree of a tenant (or of one cycle), built from the objective summaries alone. Pure.
 *
 * Decisions:
 * - Multi-parent alignment: an objective aligned to several parents appears under EACH of them (the
 *   same subtree, repeated); the tree is a view of the alignment graph, not a partition of it.
 * - Roots: the objectives none of whose parents is in the set. A parent outside the set (another
 *   cycle under `?cycleId=`, or not projected yet) makes the child a root of this view.
 * - `rolledUpProgress`: the mean of the objective's own `progress` (counted only when it has at least
 *   one non-dropped key result) and its children's `rolledUpProgress`; `null` when there is nothing to
 *   measure (no key results and no measurable children), and a `null` child is left out of its
 *   parent's mean rather than counted as 0.
 * - Loops: goals refuses an alignment that would close one, but the view stays safe: a child already
 *   on the path from the root is cut (not shown again below itself), and objectives reachable from no
 *   root (a loop with no way in) become roots themselves, in input order.
 * - Placeholders (`status: 'unknown'`: a check-in projected before its objective) are left out.
 * - Order: children and roots keep the input order (the query sorts by `setAt`, then id).
 */
export type TreeSource = Pick<ObjectiveSummaryDoc, '_id' | 'title' | 'teamId' | 'cycleId' | 'status' | 'progress' | 'parentObjectiveIds'> & {
  keyResults: readonly Pick<KeyResultSummary, 'dropped'>[];
};

export interface AlignmentNode {
  id: string;
  title: string;
  teamId: string | null;
  /** The team's display name (its id when it is not registered). */
  teamName: string | null;
  /** The team's parent in the organisation chart, so a client can group the map by it. */
  parentTeamId: string | null;
  cycleId: string | null;
  status: ObjectiveSummaryDoc['status'];
  progress: number;
  rolledUpProgress: number | null;
  children: AlignmentNode[];
}

export interface AlignmentTree {
  roots: AlignmentNode[];
}

export interface AlignmentTreeFilter {
  cycleId?: string;
}

/** What the tree shows of a team: from the teams registry. */
export type TeamLabels = ReadonlyMap<string, { name: string; parentTeamId: string | null }>;

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : roundForPeople(values.reduce((sum, v) => sum + v, 0) / values.length, PROGRESS_DECIMALS);

export function buildAlignmentTree(summaries: readonly TreeSource[], filter: AlignmentTreeFilter = {}, teams: TeamLabels = new Map()): AlignmentTree {
  const shown = summaries.filter(
    (s) => s.status !== 'unknown' && (filter.cycleId === undefined || s.cycleId === filter.cycleId),
  );
  const byId = new Map(shown.map((s) => [s._id, s]));
  const childrenOf = new Map<string, TreeSource[]>();
  for (const s of shown) {
    for (const parentId of new Set(s.parentObjectiveIds)) {
      if (!byId.has(parentId) || parentId === s._id) continue;
      const siblings = childrenOf.get(parentId) ?? [];
      siblings.push(s);
      childrenOf.set(parentId, siblings);
    }
  }

  const reached = new Set<string>();
  const nodeOf = (s: TreeSource, path: Set<string>): AlignmentNode => {
    reached.add(s._id);
    path.add(s._id);
    const children = (childrenOf.get(s._id) ?? []).filter((c) => !path.has(c._id)).map((c) => nodeOf(c, path));
    path.delete(s._id);
    const own = s.keyResults.some((kr) => !kr.dropped) ? [s.progress] : [];
    const rolled = children.map((c) => c.rolledUpProgress).filter((p): p is number => p !== null);
    return {
      id: s._id,
      title: s.title,
      teamId: s.teamId,
      teamName: s.teamId === null ? null : (teams.get(s.teamId)?.name ?? s.teamId),
      parentTeamId: s.teamId === null ? null : (teams.get(s.teamId)?.parentTeamId ?? null),
      cycleId: s.cycleId,
      status: s.status,
      progress: s.progress,
      rolledUpProgress: mean([...own, ...rolled]),
      children,
    };
  };

  const isRoot = (s: TreeSource) => !s.parentObjectiveIds.some((id) => id !== s._id && byId.has(id));
  const roots = shown.filter(isRoot).map((s) => nodeOf(s, new Set()));
  // Only a loop leaves objectives unreached: each first unreached one starts a tree of its own.
  for (const s of shown) if (!reached.has(s._id)) roots.push(nodeOf(s, new Set()));
  return { roots };
}
