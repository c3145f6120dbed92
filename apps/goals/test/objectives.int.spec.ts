import { eventually } from '@okr/platform/testing';
import { createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { CYCLE, addKeyResult, cycleAndObjective } from './support/fixtures';

/** Every endpoint's happy path, HTTP in and events out, on a real SQLite store. */
describe('goals API: happy paths', () => {
  let t: GoalsTestApp;
  beforeAll(async () => (t = await createGoalsTestApp()));
  afterAll(() => t.close(true));

  it('plans a cycle and reads it back', async () => {
    const created = await t.call('POST', '/api/v1/cycles', { body: CYCLE });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/cycles/${created.body.id}`);
    const read = await t.call('GET', `/api/v1/cycles/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ...CYCLE, id: created.body.id, revision: 0 });
  });

  it('sets an objective owned by the caller, with Location and ETag', async () => {
    const { cycleId, objectiveId } = await cycleAndObjective(t);
    const read = await t.call('GET', `/api/v1/objectives/${objectiveId}`);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"0"');
    expect(read.body).toMatchObject({
      id: objectiveId,
      cycleId,
      teamId: 'growth',
      ownerId: 'alice',
      title: 'New customers succeed in their first week',
      status: 'draft',
      revision: 0,
      keyResults: [],
      parentObjectiveIds: [],
    });
  });

  it('adds key results of every kind and returns their numbers flat', async () => {
    const { objectiveId } = await cycleAndObjective(t);
    const kinds = [
      { title: 'Activation', kind: 'increase', start: 20, target: 40, unit: '%' },
      { title: 'Churn', kind: 'decrease', start: 8, target: 5, unit: '%' },
      { title: 'NPS', kind: 'stay-at-or-above', threshold: 40 },
      { title: 'Tickets', kind: 'stay-at-or-below', threshold: 100, start: 120 },
      { title: 'Latency', kind: 'stay-within-range', min: 100, max: 300, unit: 'ms' },
      { title: 'Launch', kind: 'milestone' },
    ];
    const created = await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results`, { body: kinds[0] });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/objectives/${objectiveId}/key-results/${created.body.id}`);
    for (const kind of kinds.slice(1)) await addKeyResult(t, objectiveId, kind);
    const read = await t.call('GET', `/api/v1/objectives/${objectiveId}`);
    expect(read.body.keyResults).toEqual(kinds.map((k) => expect.objectContaining({ ...k, status: 'active' })));
    expect(read.body.revision).toBe(6);
  });

  it('revises a target with a reason, and ?asOf shows the old target', async () => {
    const { objectiveId } = await cycleAndObjective(t);
    const krId = await addKeyResult(t, objectiveId);
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const revised = await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results/${krId}/target-revisions`, {
      body: { target: 35, reason: 'Onboarding slipped to Q1' },
    });
    expect(revised.status).toBe(201);
    expect(revised.body).toMatchObject({ id: objectiveId, revision: 2, events: ['KeyResultTargetRevised'] });

    const now = await t.call('GET', `/api/v1/objectives/${objectiveId}`);
    expect(now.body.keyResults[0].target).toBe(35);
    const then = await t.call('GET', `/api/v1/objectives/${objectiveId}?asOf=${encodeURIComponent(before)}`);
    expect(then.status).toBe(200);
    expect(then.body.keyResults[0].target).toBe(40);
    expect(then.body).toMatchObject({ revision: 1, asOf: before });
    const beforeItExisted = await t.call('GET', `/api/v1/objectives/${objectiveId}?asOf=2000-01-01`);
    expect(beforeItExisted.status).toBe(404);
  });

  it('rewords, aligns, withdraws alignment, transfers ownership, drops, activates, grades and archives', async () => {
    const parent = await cycleAndObjective(t);
    const { objectiveId } = await cycleAndObjective(t);
    const keep = await addKeyResult(t, objectiveId, { title: 'Keep' });
    const drop = await addKeyResult(t, objectiveId, { title: 'Drop me', kind: 'milestone' });
    const base = `/api/v1/objectives/${objectiveId}`;
    const steps: [string, unknown, number, string][] = [
      [`${base}/rewordings`, { title: 'First-week success', reason: 'Shorter' }, 201, 'ObjectiveReworded'],
      [`${base}/alignments`, { parentObjectiveId: parent.objectiveId }, 201, 'ObjectiveAligned'],
      [`${base}/alignment-withdrawals`, { parentObjectiveId: parent.objectiveId, reason: 'Reorg' }, 201, 'ObjectiveAlignmentWithdrawn'],
      [`${base}/ownership-transfers`, { newOwnerId: 'bob', reason: 'Alice moved team' }, 201, 'ObjectiveOwnershipTransferred'],
      [`${base}/key-results/${drop}/drop`, { reason: 'Not a real outcome' }, 200, 'KeyResultDropped'],
      [`${base}/activation`, undefined, 200, 'ObjectiveActivated'],
      [`${base}/grading`, { keyResultGrades: [{ keyResultId: keep, grade: 0.7 }], retrospective: 'We learned X' }, 200, 'ObjectiveGraded'],
      [`${base}/archival`, { reason: 'Cycle over' }, 200, 'ObjectiveArchived'],
    ];
    for (const [url, body, status, type] of steps) {
      const response = await t.call('POST', url, body === undefined ? {} : { body });
      expect({ url, status: response.status, events: response.body.events }).toEqual({ url, status, events: [type] });
    }
    const read = await t.call('GET', base);
    expect(read.body).toMatchObject({
      title: 'First-week success',
      ownerId: 'bob',
      status: 'archived',
      parentObjectiveIds: [],
      grade: { overallGrade: 0.7, retrospective: 'We learned X' },
    });
    expect(read.body.keyResults[1]).toMatchObject({ id: drop, status: 'dropped', droppedReason: 'Not a real outcome' });
  });

  it('sets an objective aligned to several parents in one atomic append', async () => {
    const a = await cycleAndObjective(t);
    const b = await cycleAndObjective(t);
    const child = await t.call('POST', '/api/v1/objectives', {
      body: { cycleId: a.cycleId, teamId: 'growth', title: 'Child', parentObjectiveIds: [a.objectiveId, b.objectiveId] },
    });
    expect(child.status).toBe(201);
    expect(child.body.revision).toBe(2);
    const read = await t.call('GET', `/api/v1/objectives/${child.body.id}`);
    expect(read.body.parentObjectiveIds).toEqual([a.objectiveId, b.objectiveId]);
  });

  it('keeps the history: every event with type, actor, time, reason and data', async () => {
    const { objectiveId } = await cycleAndObjective(t);
    const krId = await addKeyResult(t, objectiveId);
    const bob = await t.token('acme', 'bob', [], ['growth']);
    await t.call('POST', `/api/v1/objectives/${objectiveId}/key-results/${krId}/target-revisions`, {
      body: { target: 30, reason: 'Too ambitious' },
      token: bob,
      headers: { 'x-correlation-id': 'corr-42' },
    });
    const history = await t.call('GET', `/api/v1/objectives/${objectiveId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ type: 'ObjectiveSet', revision: 0, actor: 'alice' }),
      expect.objectContaining({ type: 'KeyResultAdded', revision: 1, actor: 'alice' }),
      expect.objectContaining({
        type: 'KeyResultTargetRevised',
        revision: 2,
        actor: 'bob',
        reason: 'Too ambitious',
        correlationId: 'corr-42',
        data: expect.objectContaining({ from: { target: 40 }, to: { target: 30 } }),
      }),
    ]);
    for (const event of history.body.items) {
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
    }
  });

  it('pages the history with limit and cursor, oldest first, and refuses a cursor of another list', async () => {
    const { objectiveId } = await cycleAndObjective(t);
    await addKeyResult(t, objectiveId);
    await addKeyResult(t, objectiveId, { title: 'Second' });
    const first = await t.call('GET', `/api/v1/objectives/${objectiveId}/history?limit=2`);
    expect(first.body.items.map((e: { revision: number }) => e.revision)).toEqual([0, 1]);
    const second = await t.call('GET', `/api/v1/objectives/${objectiveId}/history?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ revision: 2 })], nextCursor: null });
    const list = await eventually(async () => {
      const page = await t.call('GET', '/api/v1/objectives?limit=1');
      return page.body.nextCursor !== null && page;
    });
    const foreign = await t.call('GET', `/api/v1/objectives/${objectiveId}/history?cursor=${list.body.nextCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}/history?limit=500`)).body.errors).toEqual([
      { field: 'limit', message: 'limit must be a whole number from 1 to 200' },
    ]);
  });

  it('serves OpenAPI and health without a token', async () => {
    const docs = await t.call('GET', '/api/docs-json', { token: null });
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/objectives', '/api/v1/objectives/{id}/key-results/{krId}/target-revisions']),
    );
    expect((await t.call('GET', '/health/live', { token: null })).status).toBe(200);
    expect((await t.call('GET', '/health/ready', { token: null })).status).toBe(200);
  });
});
