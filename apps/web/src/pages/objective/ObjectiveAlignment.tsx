import { Link } from 'react-router';
import { useTeams } from '../../api/directory';
import { QueryView } from '../../ui/PageState';
import { useAlignmentTree, type AlignmentNode, type Objective } from './okr-queries';

/** Every node of the alignment tree, depth first, with the node it hangs under (an objective under several parents appears under each). */
export function* walk(nodes: readonly AlignmentNode[], parent: AlignmentNode | null): Generator<{ node: AlignmentNode; parent: AlignmentNode | null }> {
  for (const node of nodes) {
    yield { node, parent };
    yield* walk(node.children, node);
  }
}

/** The objectives this one contributes to and those that contribute to it, as the alignment tree has them. */
export function alignmentOf(roots: readonly AlignmentNode[], objectiveId: string): { parents: AlignmentNode[]; children: AlignmentNode[] } {
  const parents = new Map<string, AlignmentNode>();
  const children = new Map<string, AlignmentNode>();
  for (const { node, parent } of walk(roots, null)) {
    if (node.id !== objectiveId) continue;
    if (parent) parents.set(parent.id, parent);
    for (const child of node.children) children.set(child.id, child);
  }
  return { parents: [...parents.values()], children: [...children.values()] };
}

function ObjectiveLinks({ nodes, empty }: { nodes: AlignmentNode[]; empty: string }) {
  const { teamName } = useTeams();
  if (nodes.length === 0) return <p className="hint">{empty}</p>;
  return (
    <ul>
      {nodes.map((n) => (
        <li key={n.id}>
          <Link to={`/objectives/${n.id}`}>{n.title}</Link>
          {n.teamId && <span className="hint"> ({n.teamName ?? teamName(n.teamId)})</span>}
        </li>
      ))}
    </ul>
  );
}

/** Its parents and children by title, linked to their pages. */
export function ObjectiveAlignment({ objective }: { objective: Objective }) {
  const tree = useAlignmentTree();
  return (
    <section aria-labelledby="alignment-heading">
      <h2 id="alignment-heading">Alignment</h2>
      <QueryView query={tree} loading="Loading the alignment">
        {({ roots }) => {
          const { parents, children } = alignmentOf(roots, objective.id);
          return (
            <div className="alignment-links">
              <h3>Contributes to</h3>
              <ObjectiveLinks nodes={parents} empty="No parent objective: it is aligned to nothing above it." />
              <h3>Contributions to it</h3>
              <ObjectiveLinks nodes={children} empty="No objective is aligned to it yet." />
            </div>
          );
        }}
      </QueryView>
    </section>
  );
}
