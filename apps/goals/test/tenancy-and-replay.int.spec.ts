import { countEvents, createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { addKeyResult, cycleAndObjective } from './support/fixtures';

describe('goals API: tenants, idempotency and restarts', () => {
  let t: GoalsTestApp;
  beforeEach(async () => (t = await createGoalsTestApp()));
  afterEach(() => t.close(true));

  it("another tenant's token sees nothing and changes nothing (404)", async () => {
    const { objectiveId, cycleId } = await cycleAndObjective(t);
    // In her own tenant mallory belongs to a team also called growth: only the tenant differs.
    const globex = await t.token('globex', 'mallory', [], ['growth']);
    const before = await countEvents(t.store);
    for (const [method, url, body] of [
      ['GET', `/api/v1/objectives/${objectiveId}`],
      ['GET', `/api/v1/objectives/${objectiveId}/history`],
      ['GET', `/api/v1/cycles/${cycleId}`],
      ['POST', `/api/v1/objectives/${objectiveId}/rewordings`, { title: 'Mine now' }],
      ['POST', '/api/v1/objectives', { cycleId, teamId: 'growth', title: 'In their cycle' }],
    ] as const) {
      const r = await t.call(method, url, { token: globex, ...(body ? { body } : {}) });
      expect({ url, method, status: r.status }).toEqual({ url, method, status: 404 });
    }
    expect(await countEvents(t.store)).toBe(before);
  });

  it('an idempotent retry returns the first answer and appends nothing', async () => {
    const { objectiveId } = await cycleAndObjective(t);
    const request = {
      body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40 },
      headers: { 'idempotency-key': 'add-activation-kr' },
    };
    const first = await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results`, request);
    expect(first.status).toBe(201);
    const after = await countEvents(t.store);
    const retry = await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results`, request);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(t.store)).toBe(after);
    // The same key from another tenant is another key.
    const globex = await t.token('globex', 'mallory');
    const other = await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results`, { ...request, token: globex });
    expect(other.status).toBe(404);
  });

  it('a restart of the app on the same data folder sees the same state and history', async () => {
    const { objectiveId } = await cycleAndObjective(t);
    const krId = await addKeyResult(t, objectiveId);
    await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results/${krId}/target-revisions`, {
      body: { target: 35, reason: 'r' },
    });
    const state = await t.call('GET', `/api/v1/objectives/${objectiveId}`);
    const history = await t.call('GET', `/api/v1/objectives/${objectiveId}/history`);
    const dataDir = t.dataDir;
    await t.close();

    t = await createGoalsTestApp(dataDir);
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}`)).body).toEqual(state.body);
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}/history`)).body).toEqual(history.body);
    const next = await t.call('POST', `/api/v1/objectives/${objectiveId}/rewordings`, {
      body: { title: 'After restart' },
      headers: { 'if-match': '"2"' },
    });
    expect(next.status).toBe(201);
  });

  it('logs are JSON lines with the correlation id of the request', async () => {
    const r = await t.call('GET', '/api/v1/objectives/0193a3c4-0000-7000-8000-000000000000', {
      headers: { 'x-correlation-id': 'trace-me-1' },
    });
    expect(r.status).toBe(404);
    expect(r.headers['x-correlation-id']).toBe('trace-me-1');
    expect(r.body.correlationId).toBe('trace-me-1');
  });
});
