import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { allPages, useCycles } from '../../api/directory';
import type { components } from '../../api/schema/insights';
import { CyclePicker } from '../../ui/CyclePicker';
import { QueryView } from '../../ui/PageState';
import { AlignmentTree, type MapNode } from './AlignmentTree';

type AlignmentNode = components['schemas']['AlignmentNodeDto'];
type AtRiskItem = components['schemas']['AtRiskItemDto'];

/** The reasons (in words) why each objective has key results at risk, by objective id. */
export function riskByObjective(items: readonly AtRiskItem[]): Map<string, string[]> {
  const reasons = new Map<string, string[]>();
  for (const item of items) {
    const list = reasons.get(item.objectiveId) ?? [];
    for (const reason of item.reasons) list.push(`${item.keyResultTitle}: ${reason.message}`);
    reasons.set(item.objectiveId, list);
  }
  return reasons;
}

/** The insights tree as the map draws it: rolled-up progress, the team's name, the at-risk reasons. */
export function mapNodesOf(nodes: readonly AlignmentNode[], risks: ReadonlyMap<string, string[]>, path = ''): MapNode[] {
  return nodes.map((node) => {
    const key = `${path}${node.id}`;
    return {
      key,
      objectiveId: node.id,
      title: node.title,
      teamName: node.teamName ?? 'No team',
      progress: node.rolledUpProgress,
      atRisk: risks.get(node.id) ?? [],
      changed: [],
      children: mapNodesOf(node.children, risks, `${key}.`),
    };
  });
}

/** The cycle of a page: `?cycle=` when given, else the current cycle (undefined while the cycles load). */
export function useCycleParam(): { cycleId: string | undefined; ready: boolean; setCycle: (id: string) => void } {
  const [params, setParams] = useSearchParams();
  const { current, isPending } = useCycles();
  const chosen = params.get('cycle') ?? undefined;
  const setCycle = (id: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.set('cycle', id);
      return next;
    });
  return { cycleId: chosen ?? current?.id, ready: chosen !== undefined || !isPending, setCycle };
}

/**
 * Alignment map: the company's objectives down to the teams' objectives that contribute to them, with
 * progress rolled up from below and the objectives with key results at risk marked. `?cycle=` in the URL.
 */
export function AlignmentPage() {
  const api = useApi();
  const { cycleId, ready, setCycle } = useCycleParam();
  const cycle = cycleId === undefined ? {} : { cycleId };
  const tree = useQuery({
    queryKey: ['alignment-tree', cycleId ?? null],
    enabled: ready,
    queryFn: () => data(api.insights.GET('/api/v1/alignment-tree', { params: { query: cycle } })),
  });
  const atRisk = useQuery({
    queryKey: ['at-risk', 'all', cycleId ?? null],
    enabled: ready,
    queryFn: () => allPages((cursor) => data(api.insights.GET('/api/v1/at-risk', { params: { query: { ...cycle, limit: 200, ...(cursor ? { cursor } : {}) } } }))),
  });
  const risks = riskByObjective(atRisk.data ?? []);
  return (
    <section className="alignment-page">
      <h1>Alignment</h1>
      <p className="hint">How each team's objectives contribute to the company's: progress rolls up from the objectives aligned below.</p>
      <div className="page-tools">
        <CyclePicker value={cycleId} onChange={setCycle} />
      </div>
      <QueryView query={tree} loading="Loading the alignment map" isEmpty={(t) => t.roots.length === 0} empty="No objective in this cycle yet.">
        {(t) => <AlignmentTree roots={mapNodesOf(t.roots, risks)} label="Alignment of the objectives" />}
      </QueryView>
    </section>
  );
}
