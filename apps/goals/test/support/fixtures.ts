import type { GoalsTestApp } from './goals-test-app';

export const CYCLE = { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };

let planned = 0;
/** The cycle with a name of its own: a tenant never has two cycles of one name. */
export const uniqueCycle = (fields: Partial<typeof CYCLE> = {}) => ({ ...CYCLE, name: `2026-Q4 #${++planned}`, ...fields });

/** A planned cycle and an objective in it, through the API. */
export async function cycleAndObjective(t: GoalsTestApp, token?: string) {
  const cycle = await t.call('POST', '/api/v1/cycles', { body: uniqueCycle(), ...(token ? { token } : {}) });
  expect(cycle.status).toBe(201);
  const objective = await t.call('POST', '/api/v1/objectives', {
    body: { cycleId: cycle.body.id, teamId: 'growth', title: 'New customers succeed in their first week' },
    ...(token ? { token } : {}),
  });
  expect(objective.status).toBe(201);
  return { cycleId: cycle.body.id as string, objectiveId: objective.body.id as string };
}

export async function addKeyResult(t: GoalsTestApp, objectiveId: string, body: Record<string, unknown> = {}) {
  const response = await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results`, {
    body: 'kind' in body
      ? { title: 'Week-1 activation', ...body }
      : { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%', ...body },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}
