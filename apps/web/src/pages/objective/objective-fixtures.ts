import { mockApi, page, type MockHandler } from '../../test/mock-api';
import { KR_ACTIVATION, KR_LAUNCH, OBJECTIVE, Q3, Q4, atRisk, cycles, summary, teams } from '../team/team-fixtures';

/** What the services answer about one objective in the objective page's tests (the team page's fixtures, seen closer). */
export const PARENT = '0193a000-0000-7000-8000-000000000201';
export const CHILD = '0193a000-0000-7000-8000-000000000202';
export const CHECK_IN_1 = '0193a000-0000-7000-8000-000000000301';
export const CHECK_IN_2 = '0193a000-0000-7000-8000-000000000302';
export const EARLIER = '0193a000-0000-7000-8000-000000000203';
export const LEARNING = '0193a000-0000-7000-8000-000000000401';

export const objective = (over: Record<string, unknown> = {}) => ({
  body: {
    id: OBJECTIVE,
    cycleId: Q4,
    teamId: 'growth',
    ownerId: 'gina',
    title: 'New customers succeed in their first week',
    description: 'Half of new sign-ups never come back after day one.',
    status: 'active',
    parentObjectiveIds: [PARENT],
    keyResults: [
      { id: KR_ACTIVATION, title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%', ownerId: 'omar', status: 'active' },
      { id: KR_LAUNCH, title: 'Guided import shipped', kind: 'milestone', status: 'active' },
    ],
    revision: 7,
    updatedAt: '2026-10-12T09:30:00Z',
    updatedBy: 'gina',
    ...over,
  },
});

export const series = (krId: string, points: unknown[] = []) => ({ body: { keyResultId: krId, objectiveId: OBJECTIVE, points } });

export const activationPoints = () => [
  { checkInId: CHECK_IN_1, effectiveAt: '2026-10-05', recordedAt: '2026-10-05T10:00:00Z', value: 22, confidence: 7, progress: 0.1, target: { target: 40 }, corrections: 0 },
  { checkInId: CHECK_IN_2, effectiveAt: '2026-10-12', recordedAt: '2026-10-12T09:30:00Z', value: 24.5, confidence: 3, progress: 0.225, target: { target: 40 }, corrections: 1 },
];

export const checkIns = (krId: string, items: unknown[] = [], revision?: number) => ({
  body: { items, nextCursor: null, keyResultId: krId, ...(revision === undefined ? {} : { revision }) },
});

export const activationCheckIns = () => [
  { id: CHECK_IN_1, keyResultId: KR_ACTIVATION, value: 22, confidence: 7, effectiveAt: '2026-10-05', recordedAt: '2026-10-05T10:00:00Z', corrections: 0 },
  { id: CHECK_IN_2, keyResultId: KR_ACTIVATION, value: 24.5, confidence: 3, note: 'Checklist shipped to 20% of sign-ups', blockers: ['Waiting on the SSO vendor'], effectiveAt: '2026-10-12', recordedAt: '2026-10-12T09:30:00Z', correctedAt: '2026-10-13T08:00:00Z', corrections: 1 },
];

export const alignmentTree = () => ({
  body: {
    roots: [
      { id: EARLIER, title: 'Activation gets past the import', teamId: 'growth', teamName: 'Growth', parentTeamId: 'company', cycleId: Q3, status: 'closed', progress: 0.6, rolledUpProgress: 0.6, children: [] },
      {
        id: PARENT, title: 'Customers love the product', teamId: 'company', teamName: 'Company', parentTeamId: null, cycleId: Q4, status: 'active', progress: 0.3, rolledUpProgress: 0.2,
        children: [
          {
            id: OBJECTIVE, title: 'New customers succeed in their first week', teamId: 'growth', teamName: 'Growth', parentTeamId: 'company', cycleId: Q4, status: 'active', progress: 0.1125, rolledUpProgress: 0.1,
            children: [{ id: CHILD, title: 'Onboarding emails feel personal', teamId: 'lifecycle', teamName: 'Lifecycle', parentTeamId: 'growth', cycleId: Q4, status: 'active', progress: 0.5, rolledUpProgress: 0.5, children: [] }],
          },
        ],
      },
    ],
  },
});

const entry = (revision: number, type: string, data: Record<string, unknown>, actor: string, occurredAt: string, reason?: string) => ({
  id: `0193a000-0000-7000-8000-00000000050${revision}`, type, revision, position: 100 + revision, actor, occurredAt, correlationId: `c${revision}`, causationId: `c${revision}`, data, ...(reason ? { reason } : {}),
});

export const history = () =>
  page([
    entry(0, 'ObjectiveSet', { objectiveId: OBJECTIVE, cycleId: Q4, teamId: 'growth', ownerId: 'gina', title: 'New customers succeed in their first week' }, 'gina', '2026-10-01T09:00:00Z'),
    entry(9, 'ObjectiveCarriedOverFrom', { objectiveId: OBJECTIVE, fromObjectiveId: EARLIER, fromCycleId: Q3, reason: 'Activation stalled at the import' }, 'gina', '2026-10-01T09:00:30Z'),
    entry(1, 'ObjectiveAligned', { objectiveId: OBJECTIVE, parentObjectiveId: PARENT }, 'gina', '2026-10-01T09:01:00Z'),
    entry(2, 'KeyResultAdded', { objectiveId: OBJECTIVE, keyResultId: KR_ACTIVATION, title: 'Week-1 activation', measure: { kind: 'increase', start: 20, target: 45, unit: '%' } }, 'gina', '2026-10-01T09:02:00Z'),
    entry(3, 'KeyResultTargetRevised', { objectiveId: OBJECTIVE, keyResultId: KR_ACTIVATION, from: { target: 45 }, to: { target: 40 }, reason: 'The sales team halved the trial length' }, 'omar', '2026-10-08T14:00:00Z', 'The sales team halved the trial length'),
  ]);

export const learnings = () =>
  page([{ id: LEARNING, objectiveId: OBJECTIVE, keyResultIds: [KR_ACTIVATION], result: 'invalidated', insight: 'Users stall on permissions, not on the import itself', capturedAt: '2026-10-10T12:00:00Z' }]);

/** Every read of the objective page answered; `over` replaces some. */
export function objectiveApi(over: Record<string, MockHandler> = {}) {
  return mockApi({
    'GET /api/v1/teams': teams,
    'GET /api/v1/cycles': cycles,
    'GET /api/v1/objectives/{id}': () => objective(),
    'GET /api/v1/objectives/{id}/summary': () => summary(),
    'GET /api/v1/at-risk': atRisk,
    'GET /api/v1/key-results/{krId}/series': (req) => series(req.params['krId'] as string, req.params['krId'] === KR_ACTIVATION ? activationPoints() : []),
    'GET /api/v1/key-results/{krId}/check-ins': (req) =>
      req.params['krId'] === KR_ACTIVATION ? checkIns(KR_ACTIVATION, activationCheckIns(), 2) : checkIns(req.params['krId'] as string),
    'GET /api/v1/objectives/{id}/learnings': learnings,
    'GET /api/v1/alignment-tree': alignmentTree,
    'GET /api/v1/objectives/{id}/history': history,
    ...over,
  });
}
