import { page } from '../../test/mock-api';

/** What the services answer about the Growth team in the fixtures of the team page's tests. */
export const Q4 = '0193a000-0000-7000-8000-0000000000c4';
export const Q3 = '0193a000-0000-7000-8000-0000000000c3';
export const OBJECTIVE = '0193a000-0000-7000-8000-000000000001';
export const KR_ACTIVATION = '0193a000-0000-7000-8000-000000000101';
export const KR_LAUNCH = '0193a000-0000-7000-8000-000000000102';

export const teams = () => page([{ id: 'growth', name: 'Growth', parentTeamId: null, leads: ['gina'] }]);

export const cycles = () =>
  page([
    { id: Q4, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7, status: 'active', closedAt: null },
    { id: Q3, name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7, status: 'closed', closedAt: '2026-10-02T09:00:00Z' },
  ]);

export const dashboardKeyResults = () => [
  { id: KR_ACTIVATION, title: 'Week-1 activation', kind: 'increase', target: { target: 40 }, unit: '%', value: 24.5, confidence: 3, progress: 0.225 },
  { id: KR_LAUNCH, title: 'Guided import shipped', kind: 'milestone', target: null, unit: null, value: null, confidence: null, progress: 0 },
];

export const dashboard = (objectives: unknown[] = [dashboardObjective()], cycleId = Q4) => ({
  body: {
    teamId: 'growth',
    teamName: 'Growth',
    parentTeamId: null,
    cycleId,
    cycle: { id: cycleId, name: cycleId === Q4 ? '2026-Q4' : '2026-Q3', status: cycleId === Q4 ? 'active' : 'closed' },
    cycles: [],
    objectives,
    counts: { objectives: objectives.length, byStatus: { active: objectives.length }, keyResultsAtRisk: objectives.length ? 1 : 0, objectivesAtRisk: objectives.length ? 1 : 0, learnings: 1234, openQuestions: 0 },
    openQuestions: [],
  },
});

export const dashboardObjective = () => ({
  id: OBJECTIVE,
  title: 'New customers succeed in their first week',
  cycleId: Q4,
  cycleName: '2026-Q4',
  status: 'active',
  standing: 'active',
  progress: 0.1125,
  confidence: 3,
  lastCheckInAt: '2026-10-12T09:30:00Z',
  grade: null,
  atRisk: true,
  openQuestions: 0,
  keyResults: dashboardKeyResults(),
});

export const summaryKeyResult = (over: Record<string, unknown> = {}) => ({
  id: KR_ACTIVATION,
  title: 'Week-1 activation',
  ownerId: 'omar',
  kind: 'increase',
  measure: { kind: 'increase', start: 20, target: 40, unit: '%' },
  addedAt: '2026-10-01T09:00:00Z',
  dropped: false,
  value: 24.5,
  confidence: 3,
  lastCheckInAt: '2026-10-12T09:30:00Z',
  latestEffectiveAt: '2026-10-12',
  progress: 0.225,
  recentConfidences: [7, 5, 3],
  checkIns: [],
  checkInRevision: 2,
  grade: null,
  ...over,
});

export const summary = (over: Record<string, unknown> = {}) => ({
  body: {
    id: OBJECTIVE,
    teamId: 'growth',
    teamName: 'Growth',
    cycleId: Q4,
    cycle: { id: Q4, name: '2026-Q4', status: 'active' },
    ownerId: 'gina',
    title: 'New customers succeed in their first week',
    status: 'active',
    standing: 'active',
    parentObjectiveIds: [],
    grade: null,
    retrospective: null,
    keyResults: [
      summaryKeyResult(),
      summaryKeyResult({ id: KR_LAUNCH, title: 'Guided import shipped', ownerId: undefined, kind: 'milestone', measure: { kind: 'milestone' }, value: null, confidence: null, progress: 0, recentConfidences: [], checkInRevision: -1 }),
    ],
    progress: 0.1125,
    confidence: 3,
    lastCheckInAt: '2026-10-12T09:30:00Z',
    setAt: '2026-10-01T09:00:00Z',
    activatedAt: '2026-10-01T09:05:00Z',
    closedAt: null,
    archivedAt: null,
    updatedAt: '2026-10-12T09:30:00Z',
    revision: 3,
    openQuestions: 0,
    ...over,
  },
});

export const atRisk = () =>
  page([
    {
      objectiveId: OBJECTIVE,
      objectiveTitle: 'New customers succeed in their first week',
      ownerId: 'gina',
      keyResultId: KR_ACTIVATION,
      keyResultTitle: 'Week-1 activation',
      keyResultOwnerId: 'omar',
      reasons: [
        { code: 'low-confidence', message: 'Confidence is 3/10, below the threshold of 5/10.' },
        { code: 'behind-pace', message: 'Progress is 23 % where the pace expects 45 % by now.' },
      ],
      teamId: 'growth',
      teamName: 'Growth',
    },
  ]);
