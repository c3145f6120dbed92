import { cycleNameStreamName } from '@okr/okr-domain';
import { READ_STORE } from '@okr/read-store';
import { createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { eventually, isoDay } from './support/wait';
import { OBJECTIVE_LIST } from '../src/objectives/objective-list.read-model';
import { GoalsProjections } from '../src/read-models/goals-projections';

/** Cycles: list, rename and move before they start, unique names per tenant, status, closing. */
describe('goals API: cycles', () => {
  let t: GoalsTestApp;
  let leader: string;
  beforeAll(async () => {
    t = await createGoalsTestApp();
    leader = await t.token('acme', 'lena', ['leader']);
  });
  afterAll(() => t.close(true));

  const plan = (name: string, startsOn: string, endsOn: string, token?: string) =>
    t.call('POST', '/api/v1/cycles', { body: { name, startsOn, endsOn, checkInCadenceDays: 7 }, ...(token ? { token } : {}) });
  const listed = (query = '', token?: string) => t.call('GET', `/api/v1/cycles${query}`, token ? { token } : {});

  it('lists cycles newest first, a page at a time, each with its status', async () => {
    const past = await plan('List past', isoDay(-120), isoDay(-30));
    const now = await plan('List now', isoDay(-10), isoDay(60));
    const next = await plan('List next', isoDay(61), isoDay(150));
    expect([past.status, now.status, next.status]).toEqual([201, 201, 201]);
    const ids = [next.body.id, now.body.id, past.body.id];
    const other = await t.token('globex', 'gus');
    await plan('List past', isoDay(-120), isoDay(-30), other);

    const all = await eventually(async () => {
      const r = await listed();
      return ids.every((id) => r.body.items.some((c: { id: string }) => c.id === id)) ? r : undefined;
    }, 'the three cycles in the list');
    const mine = all.body.items.filter((c: { id: string }) => ids.includes(c.id));
    expect(mine.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['List next', 'upcoming'],
      ['List now', 'active'],
      ['List past', 'ended'],
    ]);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.every((c: { name: string }) => c.name.startsWith('List'))).toBe(true);

    const first = await listed('?limit=2');
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    const second = await listed(`?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: null });

    expect((await listed('?limit=0')).status).toBe(400);
    expect((await listed('?limit=201')).status).toBe(400);
    const forged = await listed('?cursor=bm90LWEtY3Vyc29y');
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('refuses a second cycle of the same name in a tenant, whatever its case or spacing', async () => {
    expect((await plan('2027 Q1', isoDay(100), isoDay(190))).status).toBe(201);
    const again = await plan('  2027  q1 ', isoDay(200), isoDay(290));
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ code: 'cycle-name-taken', detail: 'A cycle named "2027 Q1" already exists.' });
    expect((await plan('2027 Q1', isoDay(100), isoDay(190), await t.token('globex', 'gus', ['leader']))).status).toBe(201);
  });

  it('lets exactly one of many concurrent plans of one name win', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => plan('Race', isoDay(300 + i), isoDay(390))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    for (const lost of results.filter((r) => r.status === 422)) expect(lost.body.code).toBe('cycle-name-taken');
  });

  it('takes over a name whose reservation a plan left behind (it stopped before writing its cycle), but not a fresh one', async () => {
    const leftBehind = (name: string, occurredAt: string) =>
      t.store.append(
        cycleNameStreamName('acme', name),
        [
          {
            id: crypto.randomUUID(),
            type: 'CycleNameReserved',
            data: { cycleId: crypto.randomUUID(), name },
            metadata: { tenantId: 'acme', actor: 'alice', correlationId: 'c', causationId: 'c', occurredAt },
          },
        ],
        'no_stream',
      );
    await leftBehind('Orphaned', new Date(Date.now() - 10 * 60_000).toISOString());
    expect((await plan('Orphaned', isoDay(800), isoDay(890))).status).toBe(201);
    await leftBehind('In flight', new Date().toISOString());
    expect((await plan('In flight', isoDay(900), isoDay(990))).body.code).toBe('cycle-name-taken');
  });

  it('lets exactly one of two concurrent renames to one name win, and frees the old names', async () => {
    const a = await plan('Rename A', isoDay(400), isoDay(490));
    const b = await plan('Rename B', isoDay(500), isoDay(590));
    const [ra, rb] = await Promise.all([
      t.call('POST', `/api/v1/cycles/${a.body.id}/renaming`, { body: { name: 'Rename C' }, token: leader }),
      t.call('POST', `/api/v1/cycles/${b.body.id}/renaming`, { body: { name: 'Rename C' }, token: leader }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 422]);
    const [winner] = ra.status === 200 ? [a, b] : [b, a];
    expect((await t.call('GET', `/api/v1/cycles/${winner.body.id}`)).body.name).toBe('Rename C');
    const freed = ra.status === 200 ? 'Rename A' : 'Rename B';
    expect((await plan(freed, isoDay(600), isoDay(690))).status).toBe(201);
  });

  it('renames and moves a cycle before it starts, with If-Match, and neither once it has started', async () => {
    const upcoming = await plan('Move me', isoDay(20), isoDay(110));
    const base = `/api/v1/cycles/${upcoming.body.id}`;
    const stale = await t.call('POST', `${base}/renaming`, { body: { name: 'Moved' }, token: leader, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(409);
    const renamed = await t.call('POST', `${base}/renaming`, { body: { name: 'Moved' }, token: leader, headers: { 'if-match': '"0"' } });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.etag).toBe('"1"');
    const moved = await t.call('POST', `${base}/rescheduling`, { body: { startsOn: isoDay(25), endsOn: isoDay(115) }, token: leader });
    expect(moved.status).toBe(200);
    expect((await t.call('GET', base)).body).toMatchObject({ name: 'Moved', startsOn: isoDay(25), endsOn: isoDay(115), status: 'upcoming', revision: 2 });

    const started = await plan('Started', isoDay(-1), isoDay(80));
    const refused = await t.call('POST', `/api/v1/cycles/${started.body.id}/renaming`, { body: { name: 'Too late' }, token: leader });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('cycle-already-started');
    const notMoved = await t.call('POST', `/api/v1/cycles/${started.body.id}/rescheduling`, { body: { startsOn: isoDay(1), endsOn: isoDay(80) }, token: leader });
    expect(notMoved.body.code).toBe('cycle-already-started');
    expect((await plan('Too late', isoDay(700), isoDay(790))).status).toBe(201);
  });

  it('lets leaders and admins only rename, move and close', async () => {
    const upcoming = await plan('Members cannot', isoDay(30), isoDay(120));
    const token = await t.token('acme', 'mia', ['member']);
    const member = await t.call('POST', `/api/v1/cycles/${upcoming.body.id}/renaming`, { body: { name: 'Nope' }, token });
    expect(member.status).toBe(403);
    expect((await t.call('POST', `/api/v1/cycles/${upcoming.body.id}/rescheduling`, { body: { startsOn: isoDay(31), endsOn: isoDay(120) }, token })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/cycles/${upcoming.body.id}/closing`, { token })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/cycles/${upcoming.body.id}/renaming`, { body: { name: 'Admins can' } })).status).toBe(200);
  });

  it('closes an ended cycle, listing the objectives left ungraded, and only once', async () => {
    const q3 = await plan('Closing Q3', isoDay(-100), isoDay(-10));
    const cycleId = q3.body.id as string;
    const set = (title: string) => t.call('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title } });
    const open = await set('Still open');
    const graded = await set('Graded');
    const krId = (await t.call('POST', `/api/v1/objectives/${graded.body.id}/key-results`, { body: { title: 'Done', kind: 'milestone' } })).body.id;
    await t.call('POST', `/api/v1/objectives/${graded.body.id}/activation`);
    await t.call('POST', `/api/v1/objectives/${graded.body.id}/grading`, { body: { keyResultGrades: [{ keyResultId: krId, grade: 1 }], retrospective: 'Done.' } });

    const active = await plan('Closing active', isoDay(-5), isoDay(80));
    const early = await t.call('POST', `/api/v1/cycles/${active.body.id}/closing`, { token: leader });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('cycle-not-ended');

    await eventually(async () => {
      const r = await t.call('GET', '/api/v1/cycles?limit=200');
      return r.body.items.some((c: { id: string }) => c.id === cycleId) ? true : undefined;
    }, 'the cycle in the list');
    const objectives = await t.app.get(READ_STORE).collection({ name: OBJECTIVE_LIST });
    await eventually(async () => ((await objectives.count({ cycleId, status: 'closed' })) === 1 ? true : undefined), 'the graded objective');

    const closed = await t.call('POST', `/api/v1/cycles/${cycleId}/closing`, { token: leader });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      id: cycleId,
      status: 'closed',
      ungradedObjectives: [{ objectiveId: open.body.id, title: 'Still open', teamId: 'growth' }],
    });
    const read = await t.call('GET', `/api/v1/cycles/${cycleId}`);
    expect(read.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    const twice = await t.call('POST', `/api/v1/cycles/${cycleId}/closing`, { token: leader });
    expect(twice.status).toBe(422);
    expect(twice.body.code).toBe('cycle-already-closed');
    await eventually(async () => {
      const r = await t.call('GET', '/api/v1/cycles?limit=200');
      return r.body.items.find((c: { id: string; status: string }) => c.id === cycleId && c.status === 'closed');
    }, 'the closed status in the list');
  });

  it('closes with the objectives set a moment before: while the list of objectives lags, 503 view-catching-up and nothing written', async () => {
    const cycleId = (await plan('Closing lagging list', isoDay(-100), isoDay(-10))).body.id as string;
    const projections = t.app.get(GoalsProjections);
    const first = await t.call('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'Listed' } });
    expect(await projections.caughtUpWithin({ name: OBJECTIVE_LIST }, 10_000)).toBe(true);
    await projections.pause(OBJECTIVE_LIST);
    try {
      const latest = await t.call('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'Set a moment ago' } });
      expect(latest.status).toBe(201);
      // The list has not applied the second objective: a closing now would leave it out.
      const lagging = await t.call('POST', `/api/v1/cycles/${cycleId}/closing`, { token: leader });
      expect(lagging.status).toBe(503);
      expect(lagging.headers['retry-after']).toBe('1');
      expect(lagging.body).toMatchObject({ code: 'view-catching-up', details: { cycleId } });
      expect((await t.call('GET', `/api/v1/cycles/${cycleId}`)).body).toMatchObject({ status: 'ended', revision: 0 });
      // A closing the cycle refuses is refused at once, lagging list or not.
      const running = (await plan('Closing lagging list, running', isoDay(-5), isoDay(80))).body.id as string;
      const early = await t.call('POST', `/api/v1/cycles/${running}/closing`, { token: leader });
      expect([early.status, early.body.code]).toEqual([422, 'cycle-not-ended']);
      await projections.resume(OBJECTIVE_LIST);
      const closed = await t.call('POST', `/api/v1/cycles/${cycleId}/closing`, { token: leader });
      expect(closed.status).toBe(200);
      expect(closed.body.ungradedObjectives).toEqual([
        { objectiveId: first.body.id, title: 'Listed', teamId: 'growth' },
        { objectiveId: latest.body.id, title: 'Set a moment ago', teamId: 'growth' },
      ]);
    } finally {
      await projections.resume(OBJECTIVE_LIST);
    }
  });
});
