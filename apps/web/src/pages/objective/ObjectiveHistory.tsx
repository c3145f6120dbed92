import { useCycles, useTeams } from '../../api/directory';
import { formatDateTime } from '../../ui/format';
import { QueryView } from '../../ui/PageState';
import { actorName, describeEntry, type AuditNames } from '../audit/describe-entry';
import { walk } from './ObjectiveAlignment';
import { useAlignmentTree, useHistory, type Objective } from './okr-queries';

/**
 * The objective's history from goals, oldest first, each change in sentences: who, when, what, the state
 * before and after, and why, with titles and names for the ids events carry (the audit page's words).
 */
export function ObjectiveHistory({ objective }: { objective: Objective }) {
  const history = useHistory(objective.id);
  const { teamName } = useTeams();
  const cycles = useCycles();
  const tree = useAlignmentTree();
  const keyResults = new Map(objective.keyResults.map((kr) => [kr.id, kr]));
  // Every objective of the tree (all cycles): parents, children, and the ends of a carry-over.
  const titles = new Map([...walk(tree.data?.roots ?? [], null)].map(({ node }) => [node.id, node.title]));
  titles.set(objective.id, objective.title);
  const names: AuditNames = {
    objectiveTitle: (id) => titles.get(id),
    keyResultTitle: (id) => keyResults.get(id)?.title,
    keyResultUnit: (id) => keyResults.get(id)?.unit,
    teamName: (id) => teamName(id),
    cycleName: (id) => cycles.data?.find((c) => c.id === id)?.name,
  };
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <QueryView query={history} loading="Loading the history" empty="Nothing has happened to it yet." isEmpty={(items) => items.length === 0}>
        {(items) => (
          <ol className="history">
            {items.map((entry) => {
              const { what, before, after } = describeEntry(entry, names);
              return (
                <li key={entry.id}>
                  <p>
                    <strong>{actorName(entry.actor)}</strong> on {formatDateTime(entry.occurredAt)}: {what}.
                    {before !== '—' && ` Before: ${before}.`}
                    {after !== '—' && ` After: ${after}.`}
                    {entry.reason && ` Why: ${entry.reason}`}
                  </p>
                </li>
              );
            })}
          </ol>
        )}
      </QueryView>
    </section>
  );
}
