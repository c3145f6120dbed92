import { eventually } from '@okr/platform/testing';
import { createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';
import { CYCLE, addKeyResult } from './support/fixtures';

interface Item {
  id: string;
  title: string;
  teamId: string;
  ownerId: string;
  status: string;
  cycleId: string;
  keyResultCount: number;
}

/** GET /api/v1/objectives: the list read model, its filters, search and paging. */
describe('goals API: the list of objectives', () => {
  let t: GoalsTestApp;
  let q4: string;
  let q1: string;
  const ids: Record<string, string> = {};

  const set = async (name: string, body: Record<string, unknown>, token?: string) => {
    const r = await t.call('POST', '/api/v1/objectives', { body, ...(token ? { token } : {}) });
    expect(r.status).toBe(201);
    ids[name] = r.body.id;
    return r.body.id as string;
  };
  /** Every item of the list for `query`, following nextCursor with pages of `limit`. */
  const all = async (query: string, limit = 200, token?: string): Promise<Item[]> => {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.call('GET', `/api/v1/objectives?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, token ? { token } : {});
      expect(r.status).toBe(200);
      items.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    t = await createGoalsTestApp();
    q4 = (await t.call('POST', '/api/v1/cycles', { body: CYCLE })).body.id;
    q1 = (await t.call('POST', '/api/v1/cycles', { body: { ...CYCLE, name: '2027-Q1', startsOn: '2027-01-01', endsOn: '2027-03-31' } })).body.id;
    await set('activation', { cycleId: q4, teamId: 'growth', title: 'New customers succeed in their FIRST week' });
    await set('churn', { cycleId: q4, teamId: 'growth', title: 'Fewer teams leave', description: 'Churn under 2 % per month', ownerId: 'bob' });
    await set('latency', { cycleId: q4, teamId: 'platform', title: 'Pages answer fast' });
    await set('q1', { cycleId: q1, teamId: 'platform', title: 'Next quarter: onboarding in a day' });
    await addKeyResult(t, ids.activation);
    await addKeyResult(t, ids.activation, { title: 'Second' });
    await addKeyResult(t, ids.latency, { title: 'p95 under 300 ms' });
    expect((await t.call('POST', `/api/v1/objectives/${ids.latency}/activation`)).status).toBe(200);
    const gina = await t.token('globex', 'gina', ['admin']);
    const globexCycle = (await t.call('POST', '/api/v1/cycles', { body: CYCLE, token: gina })).body.id;
    await set('globex', { cycleId: globexCycle, teamId: 'growth', title: 'Globex only' }, gina);
    // Eventually consistent: wait until the list has caught up with the last writes.
    await eventually(async () => {
      const items = await all('');
      const activation = items.find((item) => item.id === ids.activation);
      const latency = items.find((item) => item.id === ids.latency);
      return items.length === 4 && activation?.keyResultCount === 2 && latency?.status === 'active';
    }, 30_000, 'the list caught up');
  }, 60_000);
  afterAll(() => t.close(true));

  it('lists the tenant’s objectives newest first, with titles, team, owner, status, cycle and key result count', async () => {
    const page = await t.call('GET', '/api/v1/objectives');
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items.map((item: Item) => item.id)).toEqual([ids.q1, ids.latency, ids.churn, ids.activation]);
    expect(page.body.items[3]).toEqual({
      id: ids.activation,
      title: 'New customers succeed in their FIRST week',
      cycleId: q4,
      teamId: 'growth',
      ownerId: 'alice',
      status: 'draft',
      keyResultCount: 2,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      revision: 2,
    });
  });

  it('filters by cycle, team, owner and status, together', async () => {
    const titlesOf = async (query: string) => (await all(query)).map((item) => item.id);
    expect(await titlesOf(`&cycleId=${q1}`)).toEqual([ids.q1]);
    expect(await titlesOf('&teamId=growth')).toEqual([ids.churn, ids.activation]);
    expect(await titlesOf('&ownerId=bob')).toEqual([ids.churn]);
    expect(await titlesOf('&status=active')).toEqual([ids.latency]);
    expect(await titlesOf(`&cycleId=${q4}&teamId=platform&status=active`)).toEqual([ids.latency]);
    expect(await titlesOf(`&cycleId=${q1}&teamId=growth`)).toEqual([]);
  });

  it('searches titles and descriptions, case-insensitively, taking the words literally', async () => {
    expect((await all('&q=first')).map((item) => item.id)).toEqual([ids.activation]);
    expect((await all('&q=CHURN')).map((item) => item.id)).toEqual([ids.churn]);
    expect((await all(`&q=${encodeURIComponent('2 %')}`)).map((item) => item.id)).toEqual([ids.churn]);
    expect(await all(`&q=${encodeURIComponent('.*')}`)).toEqual([]);
  });

  it('pages one at a time without repeating or skipping, and stays put when objectives are added meanwhile', async () => {
    const first = await t.call('GET', '/api/v1/objectives?limit=2');
    expect(first.body.items.map((item: Item) => item.id)).toEqual([ids.q1, ids.latency]);
    await set('later', { cycleId: q4, teamId: 'growth', title: 'Added while paging' });
    await eventually(async () => (await all('&q=added')).length === 1, 30_000, 'the new objective listed');
    const rest = await all('', 1).then((items) => items.map((item) => item.id));
    expect(rest).toEqual([ids.later, ids.q1, ids.latency, ids.churn, ids.activation]);
    const second = await t.call('GET', `/api/v1/objectives?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: Item) => item.id)).toEqual([ids.churn, ids.activation]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('never shows another tenant’s objectives', async () => {
    const globex = await all('', 200, await t.token('globex', 'gina'));
    expect(globex.map((item) => item.id)).toEqual([ids.globex]);
    expect((await all('')).map((item) => item.id)).not.toContain(ids.globex);
  });

  it('answers 400 naming the field for a bad filter, limit or cursor', async () => {
    const bad = async (query: string) => (await t.call('GET', `/api/v1/objectives?${query}`)).body.errors?.map((e: { field: string }) => e.field);
    expect(await bad('status=finished')).toEqual(['status']);
    expect(await bad('cycleId=q4')).toEqual(['cycleId']);
    expect(await bad('limit=0')).toEqual(['limit']);
    expect(await bad('cursor=eyJsIjoib3RoZXIiLCJrIjpudWxsLCJpIjoieCJ9')).toEqual(['cursor']);
    expect(await bad('sort=title')).toEqual(['sort']);
  });
});
