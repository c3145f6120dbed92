import type { MapNode } from '../alignment/AlignmentTree';
import type { Changes, ReplayObjective } from './changes';

/** Progress to a hundredth of a percent, as insights rounds it. */
const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10_000) / 10_000;

/**
 * The alignment map as it stood at a stop, from the replayed objectives and their alignment then. The
 * roll-up is the alignment tree's own rule (insights' tree): the mean of the objective's progress, when
 * it has key results, and of its aligned objectives' rolled-up progress, leaving out what is unmeasured.
 * An objective aligned to several parents appears under each; a parent outside the stop makes a root.
 */
export function replayMap(objectives: readonly ReplayObjective[], changes: Changes): MapNode[] {
  const byId = new Map(objectives.map((o) => [o.id, o]));
  const childrenOf = new Map<string, ReplayObjective[]>();
  for (const o of objectives) {
    for (const parent of new Set(o.parentObjectiveIds)) {
      if (parent === o.id || !byId.has(parent)) continue;
      childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), o]);
    }
  }
  const reached = new Set<string>();
  const nodeOf = (o: ReplayObjective, path: Set<string>, prefix: string): MapNode => {
    reached.add(o.id);
    path.add(o.id);
    const key = `${prefix}${o.id}`;
    const children = (childrenOf.get(o.id) ?? []).filter((c) => !path.has(c.id)).map((c) => nodeOf(c, path, `${key}.`));
    path.delete(o.id);
    const own = o.keyResults.length > 0 ? [o.progress] : [];
    const below = children.map((c) => c.progress).filter((p): p is number => p !== null);
    return {
      key,
      objectiveId: o.id,
      title: o.title,
      teamName: o.teamName,
      progress: mean([...own, ...below]),
      atRisk: [],
      changed: changes.objectives.has(o.id) ? ['changed'] : [],
      children,
    };
  };
  const roots = objectives.filter((o) => !o.parentObjectiveIds.some((p) => p !== o.id && byId.has(p))).map((o) => nodeOf(o, new Set(), ''));
  // Only a loop leaves objectives unreached: each first unreached one starts a tree of its own.
  for (const o of objectives) if (!reached.has(o.id)) roots.push(nodeOf(o, new Set(), ''));
  return roots;
}
