import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { INTEGRATION_EVENT_CONSUMER, type IntegrationEventConsumer } from '@okr/messaging';
import { caller, createInsightsTestApp, eventually, everyGroupCaughtUp, INSIGHTS_READ_MODELS, INSIGHTS_TOPICS, type InsightsTestApp, ProjectionRunner, startServiceApp } from '@okr/insights-app/testing';

describe('read models: goals and check-ins events into the insights views', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let cycleId: string;
  let objectiveId: string;
  let keyResultId: string;
  let learningId: string;

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
    const objective = await inGoals('POST', '/api/v1/objectives', {
      body: { cycleId, teamId: 'growth', title: 'New customers succeed in their first week' },
    });
    expect(objective.status).toBe(201);
    objectiveId = objective.body.id;
    const kr = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, {
      body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' },
    });
    expect(kr.status).toBe(201);
    keyResultId = kr.body.id;
    expect((await inGoals('POST', `/api/v1/objectives/${objectiveId}/activation`)).status).toBe(200);

    const checkIn = await eventually(async () => {
      const r = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: 30, confidence: 3, effectiveAt: '2026-10-12' },
      });
      return r.status !== 503 && r;
    }, 5000, 'check-in accepted');
    expect(checkIn.status).toBe(201);

    const learning = await inCheckIns('POST', '/api/v1/learnings', {
      body: {
        objectiveId,
        keyResultIds: [keyResultId],
        tried: 'A guided import on day one',
        result: 'invalidated',
        insight: 'Users stall at permissions, not at the import',
        tags: ['onboarding'],
      },
    });
    expect(learning.status).toBe(201);
    learningId = learning.body.id;

    await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
      const k = r.status === 200 ? r.body.keyResults.find((x: { id: string }) => x.id === keyResultId) : undefined;
      return k?.confidence === 3 && r.body.status === 'active';
    }, 5000, 'summary shows the check-in');
    await eventually(async () => (await insights.call('GET', '/api/v1/learnings')).body?.items?.length === 1, 5000, 'learning in the feed');
  });

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  it("shows the objective summary with the key result's value, confidence and progress", async () => {
    const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: objectiveId,
      title: 'New customers succeed in their first week',
      teamId: 'growth',
      cycleId,
      status: 'active',
      progress: 0.5,
      confidence: 3,
      keyResults: [{ id: keyResultId, title: 'Week-1 activation', kind: 'increase', value: 30, confidence: 3, progress: 0.5 }],
    });
    expect(r.body).not.toHaveProperty('tenantId');
  });

  it('lists the key result as at risk for low confidence, with a message', async () => {
    const r = await insights.call('GET', '/api/v1/at-risk');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    // Titles, team and owner: a leader reads the list without looking anything up.
    expect(r.body.items[0]).toMatchObject({
      objectiveId,
      objectiveTitle: 'New customers succeed in their first week',
      ownerId: 'alice',
      keyResultId,
      keyResultTitle: 'Week-1 activation',
      teamId: 'growth',
      teamName: expect.any(String),
    });
    expect(r.body.items[0].reasons).toEqual(
      expect.arrayContaining([{ code: 'low-confidence', message: expect.stringContaining('3/10') }]),
    );
    expect((await insights.call('GET', `/api/v1/at-risk?cycleId=${cycleId}`)).body.items).toHaveLength(1);
    expect((await insights.call('GET', '/api/v1/at-risk?cycleId=another')).body).toEqual({ items: [], nextCursor: null });
  });

  it("has the check-in as a point of the key result's series", async () => {
    const r = await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ keyResultId, objectiveId });
    expect(r.body.points).toEqual([
      expect.objectContaining({ effectiveAt: '2026-10-12', value: 30, confidence: 3, progress: 0.5, corrections: 0 }),
    ]);
  });

  it('shows the invalidated hypothesis in the feed and counts it as a learning', async () => {
    const r = await insights.call('GET', '/api/v1/learnings?teamId=growth&result=invalidated&tag=onboarding');
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      expect.objectContaining({ id: learningId, objectiveId, teamId: 'growth', result: 'invalidated', tags: ['onboarding'] }),
    ]);
    expect(r.body.stats).toMatchObject({ learnings: 1, conclusive: 1, byResult: { validated: 0, invalidated: 1, inconclusive: 0 } });
    expect((await insights.call('GET', '/api/v1/learnings?result=validated')).body.items).toEqual([]);
    expect((await insights.call('GET', '/api/v1/learnings?result=failed')).status).toBe(400);
    expect(r.body.nextCursor).toBeNull();
  });

  it('filters the feed by cycle (its objectives’ learnings) and pages it, with stats over every page', async () => {
    const ofCycle = await insights.call('GET', `/api/v1/learnings?cycleId=${cycleId}&limit=1`);
    expect(ofCycle.body.items.map((l: { id: string }) => l.id)).toEqual([learningId]);
    expect(ofCycle.body.stats).toMatchObject({ learnings: 1 });
    const other = await insights.call('GET', '/api/v1/learnings?cycleId=another');
    expect(other.body).toMatchObject({ items: [], nextCursor: null, stats: { learnings: 0 } });
    expect((await insights.call('GET', '/api/v1/learnings?cursor=bogus')).body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('filters the learnings feed by the kind of customer evidence', async () => {
    const asBob = caller(checkIns, await insights.token('acme', 'bob', ['admin']));
    const captured = await asBob('POST', '/api/v1/learnings', {
      body: {
        keyResultIds: [keyResultId],
        teamId: 'growth',
        tried: 'A shorter signup form',
        result: 'validated',
        insight: 'Fewer fields, more week-1 activations',
        evidence: [{ kind: 'analytics-view', summary: 'Funnel: +6 points at step 2', link: 'https://analytics.example.com/funnels/7' }],
      },
    });
    expect(captured.status).toBe(201);
    const feed = await eventually(async () => {
      const r = await insights.call('GET', '/api/v1/learnings?evidenceKind=analytics-view');
      return r.body.items?.length === 1 && r.body;
    }, 5000, 'learning with analytics evidence');
    expect(feed.items[0]).toMatchObject({ id: captured.body.id, evidence: [{ kind: 'analytics-view', link: 'https://analytics.example.com/funnels/7' }] });
    expect((await insights.call('GET', '/api/v1/learnings?evidenceKind=support-tickets')).body.items).toEqual([]);
    const bad = await insights.call('GET', '/api/v1/learnings?evidenceKind=gut-feeling');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('evidenceKind');
  });

  it("shows the objective on the team's dashboard with its counts", async () => {
    const r = await insights.call('GET', `/api/v1/teams/growth/dashboard?cycleId=${cycleId}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      teamId: 'growth',
      cycleId,
      cycle: { id: cycleId, name: '2026-Q4' },
      cycles: [{ id: cycleId, name: '2026-Q4' }],
      objectives: [{ id: objectiveId, status: 'active', cycleName: '2026-Q4', progress: 0.5, confidence: 3, atRisk: true }],
      counts: { objectives: 1, keyResultsAtRisk: 1, objectivesAtRisk: 1, learnings: 1 },
    });
    // Each key result with what it aims at, in its unit.
    expect(r.body.objectives[0].keyResults).toEqual([
      expect.objectContaining({ id: keyResultId, title: 'Week-1 activation', target: { target: 40 }, unit: '%', value: 30, progress: 0.5 }),
    ]);
    expect((await insights.call('GET', '/api/v1/teams/payments/dashboard')).body.objectives).toEqual([]);
  });

  it('shows open questions on the objective summary and the dashboard, and in the audit', async () => {
    const asCeo = caller(checkIns, await insights.token('acme', 'ceo'));
    const asked = await asCeo('POST', `/api/v1/key-results/${keyResultId}/questions`, { body: { text: 'What would tell you it works by week 6?' } });
    expect(asked.status).toBe(201);
    const summary = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
      return r.body.openQuestions === 1 && r.body;
    }, 5000, 'open question on the summary');
    expect(summary.openQuestions).toBe(1);
    const dashboard = (await insights.call('GET', `/api/v1/teams/growth/dashboard?cycleId=${cycleId}`)).body;
    expect(dashboard.objectives[0].openQuestions).toBe(1);
    expect(dashboard.counts.openQuestions).toBe(1);
    expect(dashboard.openQuestions).toEqual([
      expect.objectContaining({
        id: asked.body.id,
        text: 'What would tell you it works by week 6?',
        askedBy: 'ceo',
        objectiveTitle: 'New customers succeed in their first week',
        keyResultTitle: 'Week-1 activation',
      }),
    ]);
    const audit = await insights.call('GET', `/api/v1/audit/question-${asked.body.id}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ type: 'QuestionAsked', actor: 'ceo' })]);

    const admin = caller(checkIns, await insights.token('acme', 'alice', ['admin']));
    expect((await admin('POST', `/api/v1/questions/${asked.body.id}/answers`, { body: { text: 'Half of the cohort past step 3' } })).status).toBe(201);
    await eventually(async () => (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body.openQuestions === 0, 5000, 'answered');
    expect((await insights.call('GET', `/api/v1/teams/growth/dashboard`)).body.openQuestions).toEqual([]);
  });

  it('another tenant sees nothing', async () => {
    const token = await insights.token('globex', 'mallory');
    expect((await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`, { token })).status).toBe(404);
    expect((await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`, { token })).status).toBe(404);
    expect((await insights.call('GET', '/api/v1/at-risk', { token })).body).toEqual({ items: [], nextCursor: null });
    const learnings = await insights.call('GET', '/api/v1/learnings', { token });
    expect(learnings.body.items).toEqual([]);
    expect(learnings.body.stats.learnings).toBe(0);
    const dashboard = await insights.call('GET', '/api/v1/teams/growth/dashboard', { token });
    expect(dashboard.body.objectives).toEqual([]);
    expect(dashboard.body.counts).toMatchObject({ objectives: 0, learnings: 0 });
  });

  it('401 without a token', async () => {
    expect((await insights.call('GET', '/api/v1/at-risk', { token: null })).status).toBe(401);
  });

  it('keeps its documents across a restart on the same folder and applies nothing twice', async () => {
    const before = {
      summary: (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body,
      series: (await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`)).body,
      learnings: (await insights.call('GET', '/api/v1/learnings')).body,
    };
    const dataDir = insights.dataDir;
    await insights.close();
    insights = await createInsightsTestApp(dataDir);
    // Served from the stored documents right away, before the consumers caught up with anything.
    const series = await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`);
    expect(series.status).toBe(200);
    expect(series.body).toEqual(before.series);
    // A new check-in proves the consumers run again; the older events were not applied a second time.
    const inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));
    const next = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
      body: { value: 32, confidence: 6, effectiveAt: '2026-10-19' },
    });
    expect(next.status).toBe(201);
    const after = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`);
      return r.body.points.length >= 2 && r.body;
    }, 5000, 'second point');
    expect(after.points.map((p: { effectiveAt: string }) => p.effectiveAt)).toEqual(['2026-10-12', '2026-10-19']);
    const summary = (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body;
    expect(summary.keyResults[0].checkIns).toHaveLength(2);
    expect(summary.keyResults[0].confidence).toBe(6);
    expect(summary.setAt).toBe(before.summary.setAt);
    expect((await insights.call('GET', '/api/v1/learnings')).body).toEqual(before.learnings);
  });

  it('rebuilds its views from the start of the log when its read store was lost', async () => {
    const before = (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body;
    const dataDir = insights.dataDir;
    await insights.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `insights.read.sqlite${suffix}`), { force: true });
    insights = await createInsightsTestApp(dataDir);
    // The summary's answer joins three read models (the summary, the cycles, the teams), each moved by
    // its own consumer group at its own pace: the rebuild is done when the service says every model it
    // rebuilds has caught up with the log (/health/ready), not when one of them has.
    await eventually(async () => (await insights.call('GET', '/health/ready', { token: null })).status === 200, 10_000, 'every read model rebuilt');
    const rebuilt = (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body;
    expect(rebuilt).toEqual(before);
  });

  it('skips every redelivered event: groups reset to the start of the log change no document', async () => {
    const views = async () => ({
      summary: (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body,
      series: (await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`)).body,
      learnings: (await insights.call('GET', '/api/v1/learnings')).body,
      dashboard: (await insights.call('GET', '/api/v1/teams/growth/dashboard')).body,
    });
    const runner = insights.app.get(ProjectionRunner);
    const consumer = insights.app.get<IntegrationEventConsumer>(INTEGRATION_EVENT_CONSUMER);
    // Every group has reached the head of the log first: what then comes again was applied before.
    await everyGroupCaughtUp(insights, 10_000);
    const before = await views();
    const apply = jest.spyOn(runner, 'applyBatch');
    await runner.onModuleDestroy();
    for (const model of INSIGHTS_READ_MODELS) await consumer.reset(runner.groupOf(model), INSIGHTS_TOPICS, { to: 'start' });
    await runner.onApplicationBootstrap();
    // Every handled event of this test comes again: ObjectiveSet, KeyResultAdded, ObjectiveActivated and
    // 2 check-ins to the summary; KeyResultAdded and 2 check-ins to the series; the learning; the cycle.
    const redelivered = (): number =>
      apply.mock.calls.reduce((sum, [model, events]) => sum + events.filter((event) => model.handles.includes(event.type)).length, 0);
    await eventually(() => redelivered() >= 10, 4000, 'events redelivered');
    const outcomes = await Promise.all(apply.mock.results.map((r) => r.value as Promise<unknown[]>));
    expect(outcomes.every((applied) => applied.length === 0)).toBe(true);
    expect(await views()).toEqual(before);
    apply.mockRestore();
  });
  // Last: it moves the key result's value that the tests above read.
  it("a data source's measurement moves the value and progress in the summary and series; confidence stays the people's", async () => {
    const before = (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body.keyResults[0];
    const points = (await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`)).body.points.length;
    const admin = caller(checkIns, await insights.token('acme', 'alice', ['admin']));
    const account = await admin('POST', '/api/v1/service-accounts', { body: { name: 'product-analytics', scope: { keyResultIds: [keyResultId] } } });
    expect(account.status).toBe(201);
    const fed = await caller(checkIns, account.body.apiKey)('POST', `/api/v1/key-results/${keyResultId}/measurements`, {
      body: { value: 36, measuredAt: '2026-10-19', source: 'amplitude' },
    });
    expect(fed.status).toBe(201);
    const summary = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
      return r.body.keyResults?.[0]?.value === 36 && r.body;
    }, 5000, 'the measurement in the summary');
    const { value, confidence, progress } = summary.keyResults[0];
    expect({ value, confidence, progress }).toEqual({ value: 36, confidence: before.confidence, progress: 0.8 });
    expect(before.confidence).toEqual(expect.any(Number));
    const series = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/key-results/${keyResultId}/series`);
      return r.body.points?.length === points + 1 && r.body;
    }, 5000, 'the measurement in the series');
    expect(series.points.find((p: { source?: string }) => p.source === 'amplitude')).toMatchObject({ effectiveAt: '2026-10-19', value: 36, confidence: null, source: 'amplitude', progress: 0.8 });
  });
});
