import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { caller, createInsightsTestApp, eventually, instantBetween, startServiceApp, type InsightsTestApp } from '@okr/insights-app/testing';

describe('alignment tree and frames over goals and check-ins events', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let cycleId: string;
  const ids: Record<'company' | 'platform' | 'growth' | 'shared', string> = { company: '', platform: '', growth: '', shared: '' };
  const krs: Record<'growth' | 'shared', string> = { growth: '', shared: '' };
  let beforeRevision: string;

  beforeAll(async () => {
    insights = await createInsightsTestApp();
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));

    const cycle = await inGoals('POST', '/api/v1/cycles', {
      body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 },
    });
    expect(cycle.status).toBe(201);
    cycleId = cycle.body.id;
    const objective = async (teamId: string, title: string) => {
      const r = await inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId, title } });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    ids.company = await objective('leadership', 'Customers love the product');
    ids.platform = await objective('platform', 'The platform is dependable');
    ids.growth = await objective('growth', 'New customers succeed in their first week');
    ids.shared = await objective('growth', 'Onboarding never breaks');
    const align = async (child: string, parent: string) =>
      expect((await inGoals('POST', `/api/v1/objectives/${child}/alignments`, { body: { parentObjectiveId: parent } })).status).toBe(201);
    await align(ids.growth, ids.company);
    await align(ids.shared, ids.company);
    await align(ids.shared, ids.platform);

    const keyResult = async (objectiveId: string, title: string) => {
      const r = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, {
        body: { title, kind: 'increase', start: 0, target: 100, unit: '%' },
      });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    krs.growth = await keyResult(ids.growth, 'Week-1 activation');
    krs.shared = await keyResult(ids.shared, 'Onboarding success rate');

    const checkIn = (keyResultId: string, value: number) =>
      eventually(async () => {
        const r = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
          body: { value, confidence: 7, effectiveAt: '2026-10-12' },
        });
        return r.status !== 503 && r;
      }, 5000, 'check-in accepted');
    expect((await checkIn(krs.growth, 40)).status).toBe(201);
    expect((await checkIn(krs.shared, 60)).status).toBe(201);

    beforeRevision = await instantBetween();
    const revised = await inGoals('POST', `/api/v1/objectives/${ids.growth}/key-results/${krs.growth}/target-revisions`, {
      body: { target: 50, reason: 'Seasonality: fewer sign-ups in December' },
    });
    expect(revised.status).toBe(201);

    // Insights catches up: the last check-in is in the tree's roll-up.
    await eventually(async () => {
      const r = await insights.call('GET', '/api/v1/alignment-tree');
      const company = r.body?.roots?.find((n: { id: string }) => n.id === ids.company);
      const shared = company?.children.find((n: { id: string }) => n.id === ids.shared);
      return shared?.progress === 0.6 && company.children.find((n: { id: string }) => n.id === ids.growth)?.progress === 0.8;
    }, 5000, 'tree shows the check-ins and the revision');
  });

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  it('shows the structure: the shared objective under both its parents, progress rolled up', async () => {
    const r = await insights.call('GET', `/api/v1/alignment-tree?cycleId=${cycleId}`);
    expect(r.status).toBe(200);
    const node = (id: string, progress: number, rolledUpProgress: number | null, children: unknown[] = []) =>
      expect.objectContaining({ id, cycleId, progress, rolledUpProgress: rolledUpProgress === null ? null : expect.closeTo(rolledUpProgress, 10), children });
    // growth: 40 of a revised 50 = 0.8; shared: 60 of 100 = 0.6; the parents have no key results of their own.
    expect(r.body).toEqual({
      roots: [
        node(ids.company, 0, 0.7, [node(ids.growth, 0.8, 0.8), node(ids.shared, 0.6, 0.6)]),
        node(ids.platform, 0, 0.6, [node(ids.shared, 0.6, 0.6)]),
      ],
    });
    expect(r.body.roots[0]).toMatchObject({ title: 'Customers love the product', teamId: 'leadership', status: 'draft' });
    expect((await insights.call('GET', '/api/v1/alignment-tree?cycleId=another')).body).toEqual({ roots: [] });
  });

  it('shows frames across the target revision: the old target, then the new one', async () => {
    const to = new Date(Date.parse(beforeRevision) + 86_400_000).toISOString();
    // Frames come from the replay's read model, which follows the log as the tree does.
    const r = await eventually(async () => {
      const answer = await insights.call('GET', `/api/v1/frames?from=${encodeURIComponent(beforeRevision)}&to=${encodeURIComponent(to)}&step=day&objectiveId=${ids.growth}`);
      return answer.body.frames?.[1]?.objectives?.[0]?.keyResults?.[0]?.target === 50 && answer;
    }, 5000, 'frames show the revision');
    expect(r.status).toBe(200);
    expect(r.body.frames.map((f: { at: string }) => f.at)).toEqual([beforeRevision, to]);
    const targets = r.body.frames.map((f: { objectives: { id: string; keyResults: { target: number; value: number }[] }[] }) => {
      expect(f.objectives.map((o) => o.id)).toEqual([ids.growth]);
      return f.objectives[0].keyResults[0];
    });
    expect(targets).toEqual([expect.objectContaining({ target: 100, value: 40 }), expect.objectContaining({ target: 50, value: 40 })]);
    // The whole team: both growth objectives.
    const team = await insights.call('GET', `/api/v1/frames?from=${encodeURIComponent(beforeRevision)}&to=${encodeURIComponent(to)}&step=week&teamId=growth`);
    expect(team.status).toBe(200);
    expect(team.body.frames).toHaveLength(1);
    expect(team.body.frames[0].objectives.map((o: { id: string }) => o.id).sort()).toEqual([ids.growth, ids.shared].sort());
  });

  it('replays a page at a time (limit, cursor) and one subtree, from the same read model', async () => {
    const asOf = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const ids_ = (body: { items: { id: string }[] }) => body.items.map((o) => o.id);
    const all = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/replay?asOf=${asOf}`);
      return r.body.items?.find((o: { id: string }) => o.id === ids.growth)?.keyResults?.[0]?.target === 50 && r;
    }, 5000, 'the replay shows the revision');
    expect(ids_(all.body)).toEqual([ids.company, ids.platform, ids.growth, ids.shared]);
    expect(all.body.nextCursor).toBeNull();
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const r = await insights.call('GET', `/api/v1/replay?asOf=${asOf}&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(r.status).toBe(200);
      pages.push(ids_(r.body));
      cursor = r.body.nextCursor;
    } while (cursor !== null && pages.length < 5);
    expect(pages).toEqual([[ids.company, ids.platform, ids.growth], [ids.shared]]);
    // The company objective and everything aligned under it then; the shared one once.
    expect(ids_((await insights.call('GET', `/api/v1/replay?asOf=${asOf}&subtreeOf=${ids.company}`)).body)).toEqual([ids.company, ids.growth, ids.shared]);
    expect(ids_((await insights.call('GET', `/api/v1/replay?asOf=${asOf}&subtreeOf=${ids.platform}&teamId=growth`)).body)).toEqual([ids.shared]);
    expect((await insights.call('GET', `/api/v1/replay?asOf=2020-01-01&subtreeOf=${ids.company}`)).body).toMatchObject({ items: [], nextCursor: null });
  });

  it('answers 400 naming limit or cursor for a page it cannot give', async () => {
    const fieldsOf = async (query: string) => {
      const r = await insights.call('GET', `/api/v1/replay?asOf=2026-10-01${query}`);
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      return r.body.errors.map((e: { field: string }) => e.field);
    };
    expect(await fieldsOf('&limit=0')).toEqual(['limit']);
    expect(await fieldsOf('&limit=201')).toEqual(['limit']);
    expect(await fieldsOf('&cursor=not-a-cursor')).toEqual(['cursor']);
    // Another list's cursor is not one of this list.
    const other = Buffer.from(JSON.stringify({ l: 'learnings', k: 1, i: 'x' })).toString('base64url');
    expect(await fieldsOf(`&cursor=${other}`)).toEqual(['cursor']);
  });

  it('answers 400 naming the field at fault', async () => {
    const fieldsOf = async (query: string) => {
      const r = await insights.call('GET', `/api/v1/frames${query}`);
      expect(r.status).toBe(400);
      return r.body.errors.map((e: { field: string }) => e.field);
    };
    expect(await fieldsOf('')).toEqual(['from', 'to', 'step', 'objectiveId']);
    expect(await fieldsOf('?from=2026-10-02&to=2026-10-01&step=day&teamId=growth')).toEqual(['to']);
    expect(await fieldsOf('?from=2026-10-01&to=2026-12-31&step=fortnight&teamId=growth')).toEqual(['step']);
    expect(await fieldsOf('?from=2026-01-01&to=2026-12-31&step=day&teamId=growth')).toEqual(['to']);
    expect(await fieldsOf('?from=soon&to=2026-12-31&step=day&teamId=growth')).toEqual(['from']);
  });

  it('another tenant sees an empty tree and empty frames; 401 without a token', async () => {
    const token = await insights.token('globex', 'mallory');
    expect((await insights.call('GET', '/api/v1/alignment-tree', { token })).body).toEqual({ roots: [] });
    const frames = await insights.call('GET', `/api/v1/frames?from=2026-10-01&to=2030-01-01&step=week&objectiveId=${ids.growth}`, { token });
    expect(frames.status).toBe(200);
    expect(frames.body.frames.every((f: { objectives: unknown[] }) => f.objectives.length === 0)).toBe(true);
    expect((await insights.call('GET', '/api/v1/alignment-tree', { token: null })).status).toBe(401);
  });
});
