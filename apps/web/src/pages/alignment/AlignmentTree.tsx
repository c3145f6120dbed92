import { useState } from 'react';
import { Link } from 'react-router';
import { ProgressBar } from './ProgressBar';

/**
 * One objective of a map: what the alignment map and the replay both draw. `key` is unique per place in
 * the tree (an objective aligned to two parents appears under each); `changed` lists, in words, what
 * changed since the previous stop of a replay.
 */
export interface MapNode {
  key: string;
  objectiveId: string;
  title: string;
  teamName: string;
  progress: number | null;
  atRisk: string[];
  changed: string[];
  children: MapNode[];
}

const allKeys = (nodes: readonly MapNode[]): string[] => nodes.flatMap((n) => (n.children.length > 0 ? [n.key, ...allKeys(n.children)] : []));

/**
 * The map as nested lists with a disclosure button per objective that has aligned objectives (the
 * WAI-ARIA disclosure pattern: every control is a button or a link, reached with Tab, toggled with
 * Enter or Space). Everything is expanded at first; "Collapse all" folds the map to its roots.
 */
export function AlignmentTree({ roots, label }: { roots: readonly MapNode[]; label: string }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (key: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <div className="alignment">
      <p className="alignment-actions">
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" onClick={() => setCollapsed(new Set(allKeys(roots)))}>
          Collapse all
        </button>
      </p>
      <ul className="alignment-tree" aria-label={label}>
        {roots.map((node) => (
          <AlignmentItem key={node.key} node={node} collapsed={collapsed} toggle={toggle} />
        ))}
      </ul>
    </div>
  );
}

function AlignmentItem({ node, collapsed, toggle }: { node: MapNode; collapsed: ReadonlySet<string>; toggle: (key: string) => void }) {
  const open = !collapsed.has(node.key);
  const childrenId = `children-${node.key}`;
  const changed = node.changed.length > 0;
  return (
    <li className="alignment-item">
      <div className={changed ? 'alignment-node changed' : 'alignment-node'} data-objective={node.objectiveId}>
        {node.children.length > 0 ? (
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-controls={childrenId}
            aria-label={`${open ? 'Hide' : 'Show'} the ${node.children.length === 1 ? 'objective' : `${node.children.length} objectives`} aligned to ${node.title}`}
            onClick={() => toggle(node.key)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        ) : (
          <span className="disclosure-spacer" aria-hidden="true" />
        )}
        <span className="alignment-text">
          <Link to={`/objectives/${encodeURIComponent(node.objectiveId)}`} className="alignment-title">
            {node.title}
          </Link>
          <span className="alignment-team">{node.teamName}</span>
          {node.atRisk.length > 0 && (
            <span className="badge badge-risk" title={node.atRisk.join(' ')}>
              At risk<span className="visually-hidden">: {node.atRisk.join(' ')}</span>
            </span>
          )}
          {changed && <span className="visually-hidden"> changed</span>}
        </span>
        <ProgressBar ratio={node.progress} label={`Progress of ${node.title}`} />
      </div>
      {node.children.length > 0 && (
        <ul id={childrenId} className="alignment-children" hidden={!open}>
          {node.children.map((child) => (
            <AlignmentItem key={child.key} node={child} collapsed={collapsed} toggle={toggle} />
          ))}
        </ul>
      )}
    </li>
  );
}
