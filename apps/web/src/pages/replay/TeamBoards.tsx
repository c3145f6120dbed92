import { Link } from 'react-router';
import { formatConfidence, formatPercent } from '../../ui/format';
import { ProgressBar } from '../alignment/ProgressBar';
import { targetText, valueText, type Changes, type ReplayKeyResult, type ReplayLearning, type ReplayObjective } from './changes';

const STATUS: Record<ReplayObjective['status'], string> = { draft: 'Draft', active: 'Active', closed: 'Closed', archived: 'Archived' };

/** A cell of a key result, highlighted (and said to be) changed since the previous stop. */
function Cell({ changes, kr, field, children }: { changes: Changes; kr: ReplayKeyResult; field: string; children: string }) {
  const changed = changes.cells.has(`${kr.id}:${field}`);
  return (
    <td className={changed ? 'changed' : undefined}>
      {children}
      {changed && <span className="visually-hidden"> (changed)</span>}
    </td>
  );
}

const RESULT: Record<ReplayLearning['result'], string> = { validated: 'Validated', invalidated: 'Invalidated: learned', inconclusive: 'Inconclusive' };

/** The learnings captured about an objective by then (an invalidated hypothesis counts as progress). */
function Learnings({ learnings }: { learnings: readonly ReplayLearning[] }) {
  if (learnings.length === 0) return null;
  return (
    <ul className="replay-learnings" aria-label="Learnings by then">
      {learnings.map((l) => (
        <li key={l.id}>
          <span className={l.result === 'invalidated' ? 'badge badge-learned' : 'badge badge-neutral'}>{RESULT[l.result]}</span> {l.insight}
        </li>
      ))}
    </ul>
  );
}

/**
 * Each team's page as it stood: its objectives with their key results' values, targets, confidence and
 * progress, and the learnings captured about them by then.
 */
export function TeamBoards({ objectives, learnings, changes }: { objectives: readonly ReplayObjective[]; learnings: readonly ReplayLearning[]; changes: Changes }) {
  const teams = new Map<string, ReplayObjective[]>();
  for (const o of objectives) teams.set(o.teamName, [...(teams.get(o.teamName) ?? []), o]);
  return (
    <div className="replay-teams">
      {[...teams].map(([team, owned]) => (
        <section key={team} className="replay-team" aria-label={`${team} as it stood`}>
          <h3>{team}</h3>
          {owned.map((o) => (
            <article key={o.id} className={changes.objectives.has(o.id) ? 'replay-objective changed' : 'replay-objective'}>
              <header className="replay-objective-head">
                <h4>
                  <Link to={`/objectives/${encodeURIComponent(o.id)}`}>{o.title}</Link>
                </h4>
                <span className="badge badge-neutral">{STATUS[o.status]}</span>
                {changes.objectives.has(o.id) && <span className="visually-hidden">changed</span>}
                <ProgressBar ratio={o.keyResults.length > 0 ? o.progress : null} label={`Progress of ${o.title}`} />
              </header>
              {o.keyResults.length === 0 ? (
                <p className="hint">No key result yet.</p>
              ) : (
                <div className="table-scroll">
                  <table>
                    <caption className="visually-hidden">Key results of {o.title}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Key result</th>
                        <th scope="col">Value</th>
                        <th scope="col">Target</th>
                        <th scope="col">Confidence</th>
                        <th scope="col">Progress</th>
                      </tr>
                    </thead>
                    <tbody>
                      {o.keyResults.map((kr) => (
                        <tr key={kr.id}>
                          <th scope="row">{kr.title}</th>
                          <Cell changes={changes} kr={kr} field="value">
                            {valueText(kr.value, kr.unit)}
                          </Cell>
                          <Cell changes={changes} kr={kr} field="target">
                            {targetText(kr)}
                          </Cell>
                          <Cell changes={changes} kr={kr} field="confidence">
                            {formatConfidence(kr.confidence)}
                          </Cell>
                          <Cell changes={changes} kr={kr} field="progress">
                            {formatPercent(kr.progress)}
                          </Cell>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Learnings learnings={learnings.filter((l) => l.objectiveId === o.id)} />
            </article>
          ))}
        </section>
      ))}
    </div>
  );
}
