import { countEvents, createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { addKeyResult, cycleAndObjective } from './support/fixtures';

const PROBLEM = 'application/problem+json';

/** Each error status with its problem+json body, and proof that a failed command wrote nothing. */
describe('goals API: errors', () => {
  let t: GoalsTestApp;
  let objectiveId: string;
  let cycleId: string;
  beforeAll(async () => {
    t = await createGoalsTestApp();
    ({ objectiveId, cycleId } = await cycleAndObjective(t));
  });
  afterAll(() => t.close(true));

  /** Runs a request that must fail, and checks that the store did not change. */
  async function failing(method: string, url: string, options: Parameters<GoalsTestApp['call']>[2] = {}) {
    const before = await countEvents(t.store);
    const response = await t.call(method, url, options);
    expect(response.headers['content-type']).toContain(PROBLEM);
    expect(response.body).toMatchObject({ status: response.status, title: expect.any(String) });
    expect(await countEvents(t.store)).toBe(before);
    return response;
  }

  describe('400 names each bad field', () => {
    it('missing and wrongly typed fields', async () => {
      const r = await failing('POST', '/api/v1/cycles', { body: { name: '', startsOn: '1 Oct', checkInCadenceDays: 0 } });
      expect(r.status).toBe(400);
      const fields = r.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'startsOn', 'endsOn', 'checkInCadenceDays']));
    });

    it('unknown fields are refused, not ignored', async () => {
      const r = await failing('POST', '/api/v1/objectives', {
        body: { cycleId, teamId: 'growth', title: 'x', colour: 'red' },
      });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([expect.objectContaining({ field: 'colour' })]);
    });

    it('key-result numbers must fit the kind', async () => {
      const url = `/api/v1/objectives/${objectiveId}/key-results`;
      const noTarget = await failing('POST', url, { body: { title: 'A', kind: 'increase', start: 1 } });
      expect(noTarget.status).toBe(400);
      expect(noTarget.body.errors).toEqual([expect.objectContaining({ field: 'target' })]);
      const wrongField = await failing('POST', url, { body: { title: 'B', kind: 'increase', start: 1, target: 2, threshold: 3 } });
      expect(wrongField.body.errors).toEqual([
        expect.objectContaining({ field: 'threshold', message: expect.stringContaining('does not apply') }),
      ]);
      const milestone = await failing('POST', url, { body: { title: 'C', kind: 'milestone', target: 1 } });
      expect(milestone.body.errors).toEqual([expect.objectContaining({ field: 'target' })]);
      const unknownKind = await failing('POST', url, { body: { title: 'D', kind: 'more' } });
      expect(unknownKind.body.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    });

    it('nested fields are named with their path', async () => {
      const r = await failing('POST', `/api/v1/objectives/${objectiveId}/grading`, {
        body: { keyResultGrades: [{ keyResultId: 'nope', grade: 1.5 }], retrospective: 'r' },
      });
      expect(r.status).toBe(400);
      const fields = r.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['keyResultGrades[0].keyResultId', 'keyResultGrades[0].grade']));
    });

    it('a malformed id, asOf or If-Match', async () => {
      expect((await failing('GET', '/api/v1/objectives/not-a-uuid')).status).toBe(400);
      const asOf = await failing('GET', `/api/v1/objectives/${objectiveId}?asOf=yesterday`);
      expect(asOf.status).toBe(400);
      expect(asOf.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
      const ifMatch = await failing('POST', `/api/v1/objectives/${objectiveId}/rewordings`, {
        body: { title: 'x' },
        headers: { 'if-match': 'yesterday' },
      });
      expect(ifMatch.status).toBe(400);
      expect(ifMatch.body.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
    });

    it('invalid JSON', async () => {
      expect((await failing('POST', '/api/v1/cycles', { body: '{"name":' })).status).toBe(400);
    });
  });

  describe('401 without a valid token', () => {
    it.each([
      ['no token', null],
      ['a malformed token', 'not.a.jwt'],
    ])('%s', async (_, token) => {
      const r = await failing('POST', '/api/v1/cycles', { body: { name: 'x' }, token });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
    });

    it('a token signed by another key', async () => {
      const other = await createGoalsTestApp();
      try {
        const foreign = await other.token();
        expect((await failing('GET', `/api/v1/objectives/${objectiveId}`, { token: foreign })).status).toBe(401);
      } finally {
        await other.close(true);
      }
    });
  });

  describe('404', () => {
    it('unknown objective, key result or cycle', async () => {
      const unknown = '0193a3c4-0000-7000-8000-000000000000';
      const objective = await failing('POST', `/api/v1/objectives/${unknown}/rewordings`, { body: { title: 'x' } });
      expect(objective).toMatchObject({ status: 404, body: { code: 'objective-not-found' } });
      expect((await failing('GET', `/api/v1/objectives/${unknown}`)).status).toBe(404);
      expect((await failing('GET', `/api/v1/objectives/${unknown}/history`)).status).toBe(404);
      expect((await failing('GET', `/api/v1/cycles/${unknown}`)).status).toBe(404);
      const cycle = await failing('POST', '/api/v1/objectives', { body: { cycleId: unknown, teamId: 'growth', title: 'x' } });
      expect(cycle).toMatchObject({ status: 404, body: { code: 'cycle-not-found' } });
      const kr = await failing('POST', `/api/v1/objectives/${objectiveId}/key-results/${unknown}/drop`, { body: { reason: 'r' } });
      expect(kr).toMatchObject({ status: 404, body: { code: 'key-result-not-found' } });
      const parent = await failing('POST', `/api/v1/objectives/${objectiveId}/alignments`, { body: { parentObjectiveId: unknown } });
      expect(parent).toMatchObject({ status: 404, body: { code: 'parent-objective-not-found' } });
    });
  });

  describe('409', () => {
    it('a stale If-Match', async () => {
      const { objectiveId: id } = await cycleAndObjective(t);
      const read = await t.call('GET', `/api/v1/objectives/${id}`);
      const first = await t.call('POST', `/api/v1/objectives/${id}/rewordings`, {
        body: { title: 'One' },
        headers: { 'if-match': read.headers.etag as string },
      });
      expect(first.status).toBe(201);
      expect(first.headers.etag).toBe('"1"');
      const stale = await failing('POST', `/api/v1/objectives/${id}/rewordings`, {
        body: { title: 'Two' },
        headers: { 'if-match': read.headers.etag as string },
      });
      expect(stale.status).toBe(409);
    });

    it('two concurrent writes with the same If-Match: exactly one wins', async () => {
      const { objectiveId: id } = await cycleAndObjective(t);
      const results = await Promise.all(
        ['A', 'B', 'C', 'D'].map((title) =>
          t.call('POST', `/api/v1/objectives/${id}/key-results`, {
            body: { title, kind: 'milestone' },
            headers: { 'if-match': '"0"' },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      expect((await t.call('GET', `/api/v1/objectives/${id}`)).body.keyResults).toHaveLength(1);
    });

    it('an Idempotency-Key reused with another body', async () => {
      const key = { 'idempotency-key': 'plan-q1-once' };
      const first = await t.call('POST', '/api/v1/cycles', {
        body: { name: '2027-Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', checkInCadenceDays: 7 },
        headers: key,
      });
      expect(first.status).toBe(201);
      const reused = await failing('POST', '/api/v1/cycles', {
        body: { name: '2027-Q2', startsOn: '2027-04-01', endsOn: '2027-06-30', checkInCadenceDays: 7 },
        headers: key,
      });
      expect(reused.status).toBe(409);
    });
  });

  describe('422 when a domain rule is broken', () => {
    it.each([
      ['a duplicate key-result title', 'duplicate-key-result-title', async (id: string) => {
        await addKeyResult(t, id, { title: 'Same' });
        return ['key-results', { title: ' same ', kind: 'milestone' }];
      }],
      ['a range with min >= max', 'invalid-range', async () => ['key-results', { title: 'R', kind: 'stay-within-range', min: 5, max: 5 }]],
      ['an increase whose target is below its start', 'invalid-key-result-measure', async () => ['key-results', { title: 'I', kind: 'increase', start: 5, target: 1 }]],
      ['aligning to itself', 'self-alignment', async (id: string) => ['alignments', { parentObjectiveId: id }]],
      ['activating with no key result', 'key-results-required', async () => ['activation', undefined]],
      ['grading a draft', 'objective-not-active', async () => ['grading', { keyResultGrades: [], retrospective: 'r' }]],
    ] as const)('%s', async (_, code, arrange) => {
      const { objectiveId: id } = await cycleAndObjective(t);
      const [path, body] = await arrange(id);
      const r = await failing('POST', `/api/v1/objectives/${id}/${path}`, body === undefined ? {} : { body });
      expect(r).toMatchObject({ status: 422, body: { code } });
    });

    it('no change to a closed objective', async () => {
      const { objectiveId: id } = await cycleAndObjective(t);
      const kr = await addKeyResult(t, id);
      await t.call('POST', `/api/v1/objectives/${id}/activation`);
      const graded = await t.call('POST', `/api/v1/objectives/${id}/grading`, {
        body: { keyResultGrades: [{ keyResultId: kr, grade: 0.4 }], retrospective: 'Missed, learned why' },
      });
      expect(graded.status).toBe(200);
      const r = await failing('POST', `/api/v1/objectives/${id}/key-results`, { body: { title: 'Late', kind: 'milestone' } });
      expect(r).toMatchObject({ status: 422, body: { code: 'objective-closed' } });
    });

    it('an alignment loop across objectives', async () => {
      const a = await cycleAndObjective(t);
      const b = await cycleAndObjective(t);
      const c = await cycleAndObjective(t);
      expect((await t.call('POST', `/api/v1/objectives/${a.objectiveId}/alignments`, { body: { parentObjectiveId: b.objectiveId } })).status).toBe(201);
      expect((await t.call('POST', `/api/v1/objectives/${b.objectiveId}/alignments`, { body: { parentObjectiveId: c.objectiveId } })).status).toBe(201);
      const loop = await failing('POST', `/api/v1/objectives/${c.objectiveId}/alignments`, { body: { parentObjectiveId: a.objectiveId } });
      expect(loop).toMatchObject({ status: 422, body: { code: 'alignment-cycle' } });
    });
  });

  it('413 for a body over the limit', async () => {
    const r = await failing('POST', '/api/v1/objectives', {
      body: { cycleId, teamId: 'growth', title: 'x', description: 'y'.repeat(70_000) },
    });
    expect(r.status).toBe(413);
  });
});
