import { READ_STORE } from '@okr/read-store';
import { countEvents, createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { CYCLE } from './support/fixtures';
import { eventually } from './support/wait';
import { OBJECTIVE_LIST } from '../src/objectives/objective-list.read-model';

/** `POST /api/v1/imports/goals`: past writes keep their original time and are marked as imported. */
describe('goals API: imports', () => {
  let t: GoalsTestApp;
  let cycleId: string;
  beforeAll(async () => {
    t = await createGoalsTestApp();
    const cycle = await t.call('POST', '/api/v1/cycles', { body: CYCLE });
    cycleId = cycle.body.id;
  });
  afterAll(() => t.close(true));

  const T1 = '2026-07-01T09:00:00.000Z';
  const T2 = '2026-07-02T09:00:00.000Z';
  const T3 = '2026-08-10T09:00:00.000Z';

  it('imports items at their original times, marked as imported, visible as of any instant', async () => {
    const set = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [{ at: T1, actor: 'carol', request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId, teamId: 'growth', title: 'Activation' } } }] },
    });
    expect(set.status).toBe(200);
    const objectiveId = set.body.results[0].body.id as string;
    const base = `/api/v1/objectives/${objectiveId}`;
    const kr = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [{ at: T2, request: { method: 'POST', path: `${base}/key-results`, body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' } } }] },
    });
    expect(kr.status).toBe(200);
    const krId = kr.body.results[0].body.id as string;
    const revise = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [{ at: T3, request: { method: 'POST', path: `${base}/key-results/${krId}/target-revisions`, body: { target: 30, reason: 'Too ambitious' } } }] },
    });
    expect(revise.status).toBe(200);
    expect(revise.body.results).toEqual([expect.objectContaining({ status: expect.any(Number) })]);

    const history = await t.call('GET', `${base}/history`);
    expect(history.body.items.map((e: { occurredAt: string }) => e.occurredAt)).toEqual([T1, T2, T3]);
    expect(history.body.items[0].actor).toBe('carol');
    expect(history.body.items[1].actor).toBe('alice');
    for (const event of history.body.items) {
      expect(Date.parse(event.importedAt)).toBeGreaterThan(Date.parse(T3));
    }

    const mid = await t.call('GET', `${base}?asOf=2026-07-15T00:00:00Z`);
    expect(mid.status).toBe(200);
    expect(JSON.stringify(mid.body)).toContain('"target":40');
    const now = await t.call('GET', base);
    expect(JSON.stringify(now.body)).toContain('"target":30');
  });

  it('a live write is not marked, even if a client sends the import headers itself', async () => {
    const r = await t.call('POST', '/api/v1/objectives', {
      body: { cycleId, teamId: 'growth', title: 'Live' },
      headers: { 'x-okr-import-at': T1, 'x-okr-import-token': 'guess', 'x-okr-import-actor': 'mallory' },
    });
    const history = await t.call('GET', `/api/v1/objectives/${r.body.id}/history`);
    expect(history.body.items[0].importedAt).toBeUndefined();
    expect(history.body.items[0].actor).toBe('alice');
    expect(Date.parse(history.body.items[0].occurredAt)).toBeGreaterThan(Date.parse(T3));
  });

  const item = (at: string, title = 'x') => ({ at, request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId, teamId: 'growth', title } } });

  it('requires the admin role', async () => {
    const before = await countEvents(t.store);
    const r = await t.call('POST', '/api/v1/imports/goals', { body: { items: [item(T1)] }, token: await t.token('acme', 'bob') });
    expect(r.status).toBe(403);
    expect(await countEvents(t.store)).toBe(before);
  });

  it('refuses items out of chronological order, or in the future', async () => {
    const before = await countEvents(t.store);
    const r = await t.call('POST', '/api/v1/imports/goals', { body: { items: [item(T2), item(T1)] } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'items.1.at' })]);
    const future = await t.call('POST', '/api/v1/imports/goals', { body: { items: [item('2999-01-01T00:00:00Z')] } });
    expect(future.status).toBe(400);
    const recursive = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ at: T1, request: { method: 'POST', path: '/api/v1/imports/goals' } }] } });
    expect(recursive.status).toBe(400);
    expect(await countEvents(t.store)).toBe(before);
  });

  it.each([['/api/v1/%69mports/goals'], ['/api/v1/./imports/goals'], ['/api/v1/x/../imports/goals'], ['/api/v1//imports/goals'], ['/api/v1/%2e/imports/goals'], ['/api/v1/IMPORTS/goals'], ['/api/v1/imports/check-ins']])(
    'refuses a nested import spelled %s, and writes nothing',
    async (path) => {
      const before = await countEvents(t.store);
      const nested = { items: [item(T1, 'smuggled')] };
      const r = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ at: T1, request: { method: 'POST', path, body: nested } }] } });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([{ field: 'items.0.request.path', message: expect.stringContaining('/api/v1/imports') }]);
      expect(await countEvents(t.store)).toBe(before);
    },
  );

  it('sends each item to its normalised path', async () => {
    const r = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [{ at: T1, request: { method: 'POST', path: '/api/v1/x/../%6fbjectives', body: { cycleId, teamId: 'growth', title: 'Normalised' } } }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.results[0]).toMatchObject({ status: 201, body: { id: expect.any(String) } });
  });

  it('refuses an import dated 1970 into a live objective, and every as-of answer stays as it was', async () => {
    const live = await t.call('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'Live retention' } });
    const base = `/api/v1/objectives/${live.body.id}`;
    await t.call('POST', `${base}/key-results`, { body: { title: 'Week-4 retention', kind: 'increase', start: 10, target: 20, unit: '%' } });
    const instants = ['1970-01-01T00:00:00Z', '1970-06-01T00:00:00Z', '2000-01-01T00:00:00Z', new Date().toISOString()];
    const asOf = () => Promise.all(instants.map(async (at) => {
      const r = await t.call('GET', `${base}?asOf=${at}`);
      const { correlationId: _perRequest, ...body } = r.body as { correlationId?: string };
      return { status: r.status, body };
    }));
    const answersBefore = await asOf();
    const countBefore = await countEvents(t.store);

    const r = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [{ at: '1970-01-01T00:00:01Z', request: { method: 'POST', path: `${base}/key-results`, body: { title: 'Backdated', kind: 'increase', start: 0, target: 1, unit: '%' } } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.details).toMatchObject({ index: 0, status: 422, problem: { code: 'import-into-live-stream' }, imported: 0 });
    expect(await countEvents(t.store)).toBe(countBefore);
    expect(await asOf()).toEqual(answersBefore);
  });

  it('extends a stream written only by imports, but never before its last event', async () => {
    const created = await t.call('POST', '/api/v1/imports/goals', { body: { items: [item(T2, 'Imported only')] } });
    const base = `/api/v1/objectives/${created.body.results[0].body.id}`;
    const kr = { title: 'Signups', kind: 'increase', start: 0, target: 100, unit: 'signups' };
    const before = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ at: T1, request: { method: 'POST', path: `${base}/key-results`, body: kr } }] } });
    expect(before.status).toBe(422);
    expect(before.body.details.problem.code).toBe('import-out-of-order');
    const after = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ at: T3, request: { method: 'POST', path: `${base}/key-results`, body: kr } }] } });
    expect(after.status).toBe(200);
  });

  it('stops at the first failing item and reports its index', async () => {
    const before = await countEvents(t.store);
    const r = await t.call('POST', '/api/v1/imports/goals', { body: { items: [item(T1, 'first'), item(T2, ''), item(T3, 'never')] } });
    expect(r.status).toBe(422);
    expect(r.body.details).toMatchObject({ index: 1, status: 400, imported: 1 });
    expect(await countEvents(t.store)).toBe(before + 1);
  });
  it('imports what the demo imports: teams (PUT), a closing and a carry-over at their original times', async () => {
    const item = (at: string, method: string, path: string, body?: object, actor = 'ceo') => ({ at, actor, request: { method, path, ...(body ? { body } : {}) } });
    const setup = await t.call('POST', '/api/v1/imports/goals', {
      body: {
        items: [
          item('2026-06-20T09:00:00.000Z', 'PUT', '/api/v1/teams/leadership', { name: 'Leadership team', leads: ['ceo'] }),
          item('2026-06-20T09:01:00.000Z', 'PUT', '/api/v1/teams/growth', { name: 'Growth', parentTeamId: 'leadership', leads: ['gina'] }),
          item('2026-06-22T09:00:00.000Z', 'POST', '/api/v1/cycles', { name: 'Demo Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7 }),
          item('2026-09-15T09:00:00.000Z', 'POST', '/api/v1/cycles', { name: 'Demo Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 }),
        ],
      },
    });
    expect(setup.status).toBe(200);
    const [q3, q4] = [setup.body.results[2].body.id as string, setup.body.results[3].body.id as string];
    const objective = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [item('2026-06-25T10:00:00.000Z', 'POST', '/api/v1/objectives', { cycleId: q3, teamId: 'growth', title: 'New customers succeed' }, 'gina')] },
    });
    const objectiveId = objective.body.results[0].body.id as string;
    const objectives = await t.app.get(READ_STORE).collection({ name: OBJECTIVE_LIST });
    await eventually(async () => ((await objectives.count({ _id: objectiveId })) === 1 ? true : undefined), 'the objective in the list of objectives');

    const quarterEnd = await t.call('POST', '/api/v1/imports/goals', {
      body: {
        items: [
          item('2026-10-01T17:00:00.000Z', 'POST', `/api/v1/cycles/${q3}/closing`),
          item('2026-10-02T09:00:00.000Z', 'POST', `/api/v1/objectives/${objectiveId}/carry-over`, { toCycleId: q4, reason: 'Goes on in Q4' }, 'gina'),
        ],
      },
    });
    expect(quarterEnd.status).toBe(200);
    expect(quarterEnd.body.results[0].body).toMatchObject({ status: 'closed', closedAt: '2026-10-01T17:00:00.000Z', ungradedObjectives: [{ objectiveId, title: 'New customers succeed', teamId: 'growth' }] });
    const carried = quarterEnd.body.results[1].body.id as string;
    expect((await t.call('GET', `/api/v1/objectives/${carried}`)).body).toMatchObject({ cycleId: q4, carriedOverFrom: { objectiveId, cycleId: q3, reason: 'Goes on in Q4' } });
    const history = (await t.call('GET', `/api/v1/objectives/${objectiveId}/history?limit=200`)).body.items;
    expect(history.at(-1)).toMatchObject({ type: 'ObjectiveCarriedOver', occurredAt: '2026-10-02T09:00:00.000Z', actor: 'gina' });
    expect((await t.call('GET', '/api/v1/teams/growth')).body).toEqual({ id: 'growth', name: 'Growth', parentTeamId: 'leadership', leads: ['gina'] });
  });

  it('runs each item on its route directly, never through a second HTTP request', async () => {
    const fastify = t.app.getHttpAdapter().getInstance() as { inject: (...args: unknown[]) => unknown };
    const inject = jest.spyOn(fastify, 'inject');
    try {
      const r = await t.call('POST', '/api/v1/imports/goals', { body: { items: [item(T1, 'direct one'), item(T2, 'direct two')] } });
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([
        { status: 201, body: { id: expect.any(String), revision: 0 } },
        { status: 201, body: { id: expect.any(String), revision: 0 } },
      ]);
      // The test's own request is the one call; the items add none.
      expect(inject).toHaveBeenCalledTimes(1);
    } finally {
      inject.mockRestore();
    }
  });

  it("names the failing item's field as the route does, with the item's index and path", async () => {
    const r = await t.call('POST', '/api/v1/imports/goals', {
      body: { items: [item(T1, 'fine'), { at: T2, request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId, teamId: 'growth', title: 'x', colour: 'red' } } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.details).toMatchObject({
      index: 1,
      status: 400,
      imported: 1,
      problem: { status: 400, instance: '/api/v1/objectives', errors: [{ field: 'colour', message: expect.any(String) }] },
    });
    const badId = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ at: T1, request: { method: 'POST', path: '/api/v1/objectives/not-a-uuid/activation' } }] } });
    expect(badId.body.details).toMatchObject({ index: 0, status: 400 });
    const unknown = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ at: T1, request: { method: 'POST', path: '/api/v1/nowhere' } }] } });
    expect(unknown.body.details).toMatchObject({ index: 0, status: 404 });
  });

  it('closes a cycle with the objectives set earlier in the same request (not committed yet, in no list), oldest first', async () => {
    const item = (at: string, path: string, body?: object, ref?: string) => ({ at, actor: 'ceo', ...(ref ? { ref } : {}), request: { method: 'POST', path, ...(body ? { body } : {}) } });
    const r = await t.call('POST', '/api/v1/imports/goals', {
      body: {
        items: [
          item('2026-03-20T09:00:00.000Z', '/api/v1/cycles', { name: 'One request Q2', startsOn: '2026-04-01', endsOn: '2026-06-30', checkInCadenceDays: 7 }, 'q2'),
          item('2026-03-25T09:00:00.000Z', '/api/v1/objectives', { cycleId: '$ref:q2', teamId: 'growth', title: 'Set first' }, 'first'),
          item('2026-03-25T10:00:00.000Z', '/api/v1/objectives', { cycleId, teamId: 'growth', title: 'Another cycle' }),
          item('2026-03-26T09:00:00.000Z', '/api/v1/objectives', { cycleId: '$ref:q2', teamId: 'growth', title: 'Set second' }, 'second'),
          item('2026-07-02T17:00:00.000Z', '/api/v1/cycles/$ref:q2/closing'),
        ],
      },
    });
    expect(r.status).toBe(200);
    const [, first, , second] = r.body.results.map((x: { body: { id: string } }) => x.body.id);
    expect(r.body.results[4].body.ungradedObjectives).toEqual([
      { objectiveId: first, title: 'Set first', teamId: 'growth' },
      { objectiveId: second, title: 'Set second', teamId: 'growth' },
    ]);
  });

  it('lets later items of a request use the id an earlier item names (ref): an objective, its key results, an aligned child', async () => {
    const kr = (title: string) => ({ title, kind: 'increase', start: 0, target: 10, unit: 'x' });
    const r = await t.call('POST', '/api/v1/imports/goals', {
      body: {
        items: [
          { ...item(T1, 'Parent'), ref: 'parent' },
          { at: T1, ref: 'parent.kr0', request: { method: 'POST', path: '/api/v1/objectives/$ref:parent/key-results', body: kr('First') } },
          { at: T1, request: { method: 'POST', path: '/api/v1/objectives/%24ref%3Aparent/key-results', body: kr('Second') } },
          { at: T2, ref: 'child', request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId, teamId: 'growth', title: 'Child', parentObjectiveIds: ['$ref:parent'] } } },
          { at: T3, request: { method: 'POST', path: '/api/v1/objectives/$ref:parent/key-results/$ref:parent.kr0/target-revisions', body: { target: 5, reason: 'Halved' } } },
        ],
      },
    });
    expect(r.status).toBe(200);
    const [parent, kr0, , child] = r.body.results.map((x: { body: { id: string } }) => x.body.id);
    const view = (await t.call('GET', `/api/v1/objectives/${parent}`)).body;
    expect(view.keyResults.map((k: { id: string; title: string }) => k.title)).toEqual(['First', 'Second']);
    expect(JSON.stringify(view.keyResults[0])).toContain('"target":5');
    expect(view.keyResults[0].id).toBe(kr0);
    expect((await t.call('GET', `/api/v1/objectives/${child}`)).body.parentObjectiveIds).toEqual([parent]);
  });

  it('refuses a ref that no earlier item of the request names, or one named twice, and writes nothing', async () => {
    const before = await countEvents(t.store);
    const r = await t.call('POST', '/api/v1/imports/goals', {
      body: {
        items: [
          { at: T1, request: { method: 'POST', path: '/api/v1/objectives/$ref:later/activation' } },
          { ...item(T1), ref: 'later' },
          { ...item(T2), ref: 'later' },
          { at: T2, request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId: '$ref:nowhere', teamId: 'growth', title: 'x' } } },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { field: 'items.0.request.path', message: expect.stringContaining('$ref:later') },
      { field: 'items.2.ref', message: 'already names item 1' },
      { field: 'items.3.request.body.cycleId', message: expect.stringContaining('$ref:nowhere') },
    ]);
    const badName = await t.call('POST', '/api/v1/imports/goals', { body: { items: [{ ...item(T1), ref: 'a b' }] } });
    expect(badName.status).toBe(400);
    expect(await countEvents(t.store)).toBe(before);
  });

  it("counts each item against the caller's rate limit, as a request of its own would", async () => {
    const limited = await createGoalsTestApp(undefined, { OKR_RATE_LIMIT_PER_PRINCIPAL: '4' });
    try {
      const cycle = await limited.call('POST', '/api/v1/cycles', { body: CYCLE });
      const one = (title: string) => ({ at: T1, request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId: cycle.body.id, teamId: 'growth', title } } });
      // The cycle and the import request count 2; items 0 and 1 the next 2; item 2 is the fifth.
      const r = await limited.call('POST', '/api/v1/imports/goals', { body: { items: [one('a'), one('b'), one('c')] } });
      expect(r.status).toBe(422);
      expect(r.body.details).toMatchObject({ index: 2, status: 429, imported: 2 });
    } finally {
      await limited.close(true);
    }
  });
});
