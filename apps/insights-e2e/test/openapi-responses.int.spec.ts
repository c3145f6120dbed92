import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { answerViolations, createServiceTestApp, openApiGaps, type ServiceTestApp } from '@okr/platform/testing';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { InsightsModule } from '@okr/insights-app';
import { caller, eventually, instantBetween, startServiceApp } from '@okr/insights-app/testing';

/**
 * The OpenAPI document describes what insights really answers: real answers of its routes, over data
 * that fills every optional part (several key result kinds, a milestone done, a correction, a target
 * revision, a learning with evidence and an acknowledgement, open and answered questions), validate
 * against the documented schemas, closed to undocumented fields.
 */
describe('insights OpenAPI: documented response schemas match the real answers', () => {
  let insights: ServiceTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let document: OpenAPIObject;
  let cycleId: string;
  const objectives = { company: '', growth: '' };
  const keyResults = { activation: '', nps: '', latency: '', launch: '' };
  let learningId: string;
  let beforeRevision: string;

  beforeAll(async () => {
    insights = await createServiceTestApp('insights', (config, logs) => InsightsModule.forRoot(config, logs), { openApi: { title: 'insights', version: '1' } });
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    document = (await insights.call('GET', '/api/docs-json', { token: null })).body;
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));
    const ok = async (call: Promise<{ status: number; body: any }>, status = 201) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
      const r = await call;
      if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    };

    await ok(inGoals('PUT', '/api/v1/teams/growth', { body: { name: 'Growth', parentTeamId: null } }), 200);
    cycleId = (await ok(inGoals('POST', '/api/v1/cycles', { body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } }))).id;
    objectives.company = (await ok(inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'leadership', title: 'Customers love the product' } }))).id;
    objectives.growth = (
      await ok(inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'New customers succeed in their first week', description: 'Onboarding' } }))
    ).id;
    await ok(inGoals('POST', `/api/v1/objectives/${objectives.growth}/alignments`, { body: { parentObjectiveId: objectives.company } }));
    const addKeyResult = async (body: Record<string, unknown>) => (await ok(inGoals('POST', `/api/v1/objectives/${objectives.growth}/key-results`, { body }))).id as string;
    keyResults.activation = await addKeyResult({ title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' });
    keyResults.nps = await addKeyResult({ title: 'NPS stays healthy', kind: 'stay-at-or-above', threshold: 40 });
    keyResults.latency = await addKeyResult({ title: 'p95 latency in range', kind: 'stay-within-range', min: 100, max: 300, unit: 'ms' });
    keyResults.launch = await addKeyResult({ title: 'Guided import launched', kind: 'milestone' });
    await ok(inGoals('POST', `/api/v1/objectives/${objectives.growth}/activation`), 200);

    const checkIn = (keyResultId: string, body: Record<string, unknown>) =>
      eventually(async () => {
        const r = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body });
        return r.status !== 503 && r;
      }, 10_000, 'check-in accepted');
    const first = await checkIn(keyResults.activation, { value: 30, confidence: 8, effectiveAt: '2026-10-12' });
    expect(first.status).toBe(201);
    expect((await checkIn(keyResults.nps, { value: 35, confidence: 3, effectiveAt: '2026-10-12' })).status).toBe(201);
    expect((await checkIn(keyResults.launch, { value: true, confidence: 9, effectiveAt: '2026-10-13T09:30:00Z' })).status).toBe(201);
    await ok(inCheckIns('POST', `/api/v1/check-ins/${first.body.id}/corrections`, { body: { value: 32, reason: 'Typo in the export' } }));
    beforeRevision = await instantBetween();
    await ok(inGoals('POST', `/api/v1/objectives/${objectives.growth}/key-results/${keyResults.activation}/target-revisions`, { body: { target: 35, reason: 'Seasonality' } }));

    learningId = (
      await ok(
        inCheckIns('POST', '/api/v1/learnings', {
          body: {
            objectiveId: objectives.growth,
            keyResultIds: [keyResults.activation],
            tried: 'A guided import on day one',
            approach: 'experiment',
            result: 'invalidated',
            insight: 'Users stall at permissions, not at the import',
            nextStep: 'A permissions checklist',
            evidence: [{ kind: 'customer-interview', summary: '7 of 10 admins could not grant access', link: 'https://notes.example.com/42' }],
            tags: ['onboarding'],
          },
        }),
      )
    ).id;
    const asCarol = caller(checkIns, await insights.token('acme', 'carol'));
    await ok(asCarol('POST', `/api/v1/learnings/${learningId}/acknowledgements`, { body: { note: 'Read it' } }));
    await ok(inCheckIns('POST', `/api/v1/objectives/${objectives.growth}/questions`, { body: { text: 'What would tell you it works by week 6?' } }));
    const answered = await ok(inCheckIns('POST', `/api/v1/key-results/${keyResults.nps}/questions`, { body: { text: 'Is the survey sample large enough?' } }));
    await ok(inCheckIns('POST', `/api/v1/questions/${answered.id}/answers`, { body: { text: 'Yes: 400 answers a week' } }));

    await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectives.growth}/summary`);
      const activation = r.body?.keyResults?.find((kr: { id: string }) => kr.id === keyResults.activation);
      return r.status === 200 && activation?.value === 32 && activation.measure.target === 35 && r.body.openQuestions === 1;
    }, 10_000, 'the summary shows the correction, the revision and the questions');
    await eventually(async () => (await insights.call('GET', '/api/v1/learnings')).body?.items?.[0]?.acknowledgementCount === 1, 10_000, 'the acknowledgement in the feed');
  }, 90_000);

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  /** GETs `url` as an admin of acme and checks the answer against its documented 200 schema. */
  const expectDocumented = async (url: string) => {
    const r = await insights.call('GET', url);
    expect(r.status).toBe(200);
    expect(answerViolations(document, 'GET', url, 200, r.body)).toEqual([]);
    return r.body;
  };

  it("the team dashboard, with the cycle picker's cycles, key results of every kind and open questions", async () => {
    const body = await expectDocumented('/api/v1/teams/growth/dashboard');
    expect(body.objectives[0].keyResults.map((kr: { kind: string }) => kr.kind)).toEqual(['increase', 'stay-at-or-above', 'stay-within-range', 'milestone']);
    expect(body.openQuestions).toHaveLength(1);
    expect(body.cycle).toMatchObject({ id: cycleId, name: '2026-Q4' });
  });

  it('the objective summary, with every check-in, the correction and the measures', async () => {
    const body = await expectDocumented(`/api/v1/objectives/${objectives.growth}/summary`);
    expect(body.keyResults[0].checkIns[0]).toMatchObject({ value: 32, correctedAt: expect.any(String) });
  });

  it('the summaries of a graded objective with a dropped key result, and of one carried over from an ended cycle', async () => {
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const post = async (url: string, body: Record<string, unknown> = {}) => {
      const r = await inGoals('POST', url, { body });
      if (r.status >= 300) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const q3 = (await post('/api/v1/cycles', { name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7 })).id;
    const unfinished = (await post('/api/v1/objectives', { cycleId: q3, teamId: 'growth', title: 'Self-serve trials' })).id;
    await post(`/api/v1/objectives/${unfinished}/key-results`, { title: 'Trials started', kind: 'decrease', start: 10, target: 5 });
    const carried = (await post(`/api/v1/objectives/${unfinished}/carry-over`, { toCycleId: cycleId, reason: 'Stalled on the import step' })).id;
    const graded = (await post('/api/v1/objectives', { cycleId, teamId: 'growth', title: 'Support answers within a day' })).id;
    const kept = (await post(`/api/v1/objectives/${graded}/key-results`, { title: 'First answer within a day', kind: 'increase', start: 50, target: 90, unit: '%' })).id;
    const dropped = (await post(`/api/v1/objectives/${graded}/key-results`, { title: 'Tickets closed', kind: 'increase', start: 0, target: 100 })).id;
    await post(`/api/v1/objectives/${graded}/key-results/${dropped}/drop`, { reason: 'Counts the wrong thing' });
    await post(`/api/v1/objectives/${graded}/activation`);
    await post(`/api/v1/objectives/${graded}/grading`, { keyResultGrades: [{ keyResultId: kept, grade: 0.6 }], retrospective: 'Triage rota helped' });

    const summary = async (id: string, ready: (body: Record<string, any>) => boolean) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
      await eventually(async () => ready((await insights.call('GET', `/api/v1/objectives/${id}/summary`)).body), 10_000, `the summary of ${id}`);
      return expectDocumented(`/api/v1/objectives/${id}/summary`);
    };
    expect(await summary(unfinished, (b) => b.carriedOverTo != null)).toMatchObject({ standing: 'carried-over', carriedOverTo: { objectiveId: carried } });
    expect(await summary(carried, (b) => b.carriedOverFrom != null && b.keyResults?.length === 1)).toMatchObject({ carriedOverFrom: { objectiveId: unfinished } });
    const closed = await summary(graded, (b) => b.status === 'closed');
    expect(closed).toMatchObject({ standing: 'graded', retrospective: 'Triage rota helped', keyResults: [{ grade: 0.6 }, { dropped: true, droppedReason: 'Counts the wrong thing' }] });
    await expectDocumented('/api/v1/teams/growth/dashboard');
    await expectDocumented(`/api/v1/teams/growth/dashboard?cycleId=${q3}`);
  });

  it("a key result's series and risk", async () => {
    const series = await expectDocumented(`/api/v1/key-results/${keyResults.activation}/series`);
    expect(series.points).toEqual([expect.objectContaining({ value: 32, corrections: 1, target: { target: 40 } })]);
    await expectDocumented(`/api/v1/key-results/${keyResults.launch}/series`);
    await eventually(async () => (await insights.call('GET', `/api/v1/key-results/${keyResults.nps}/risk`)).body.atRisk === true, 10_000, 'the NPS at risk');
    const risk = await expectDocumented(`/api/v1/key-results/${keyResults.nps}/risk`);
    expect(risk.history[0]).toMatchObject({ type: 'KeyResultAtRisk', data: { reasons: expect.any(Array) } });
  });

  it('the alignment tree, the at-risk list and the learnings feed with its stats', async () => {
    const tree = await expectDocumented('/api/v1/alignment-tree');
    expect(tree.roots[0].children[0].id).toBe(objectives.growth);
    const atRisk = await expectDocumented('/api/v1/at-risk');
    expect(atRisk.items.length).toBeGreaterThan(0);
    const learnings = await expectDocumented('/api/v1/learnings');
    expect(learnings.items[0]).toMatchObject({ id: learningId, acknowledgements: [expect.objectContaining({ note: 'Read it' })] });
  });

  it('the replay before the revision and the frames of the objective', async () => {
    const replay = await expectDocumented(`/api/v1/replay?asOf=${beforeRevision}`);
    const growth = replay.items.find((o: { id: string }) => o.id === objectives.growth);
    expect(growth).toMatchObject({ teamName: 'Growth', cycleName: '2026-Q4', parentObjectiveIds: [objectives.company] });
    expect(growth.keyResults[0].target).toBe(40);
    expect(replay.questions.length).toBe(0);
    const soon = new Date(Date.now() + 60_000).toISOString();
    // The replay's read model follows the log: wait for the answered question.
    await eventually(async () => (await insights.call('GET', `/api/v1/replay?asOf=${soon}`)).body.questions?.some((q: { status: string }) => q.status === 'answered'), 5000, 'replay has the answer');
    const now = await expectDocumented(`/api/v1/replay?asOf=${soon}`);
    expect(now.nextCursor).toBeNull();
    expect(now.questions.map((q: { status: string }) => q.status).sort()).toEqual(['answered', 'open']);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const frames = await expectDocumented(`/api/v1/frames?from=${from}&to=${now.asOf}&step=day&objectiveId=${objectives.growth}`);
    expect(frames.frames).toHaveLength(2);
  });

  it('the audit timeline of an objective and of a learning', async () => {
    const timeline = await expectDocumented(`/api/v1/audit/objective-${objectives.growth}`);
    expect(timeline.items.find((e: { type: string }) => e.type === 'KeyResultTargetRevised')).toMatchObject({ reason: 'Seasonality' });
    await expectDocumented(`/api/v1/audit/learning-${learningId}`);
  });

  it('the hash chain of a stream and an auditor\'s export, whose manifest line is the documented one', async () => {
    await expectDocumented(`/api/v1/audit/objective-${objectives.growth}/verify`);
    const token = await insights.token('acme', 'carol', ['auditor']);
    const exported = await insights.app.inject({ method: 'GET', url: `/api/v1/audit/exports?cycleId=${cycleId}`, headers: { authorization: `Bearer ${token}` } });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const exports = document.paths['/api/v1/audit/exports'].get?.responses['200'] as { content: Record<string, unknown> };
    expect(Object.keys(exports.content)).toEqual(['application/x-ndjson']);
    const manifest = JSON.parse(exported.body.trimEnd().split('\n').at(-1) ?? '');
    // The manifest line as the answer of a route documented with its schema.
    const ofManifest = {
      ...document,
      paths: { '/manifest': { get: { responses: { '200': { description: 'manifest', content: { 'application/json': { schema: { $ref: '#/components/schemas/AuditExportManifestLineDto' } } } } } } } },
    } as unknown as OpenAPIObject;
    expect(answerViolations(ofManifest, 'GET', '/manifest', 200, manifest)).toEqual([]);
    expect(manifest.manifest.streams.length).toBeGreaterThan(1);
  });

  it("a tenant's rebuild, its progress, and the projection audit", async () => {
    const started = await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel: 'learnings-feed-v2' } });
    expect(started.status).toBe(202);
    expect(answerViolations(document, 'POST', '/api/v1/admin/rebuilds', 202, started.body)).toEqual([]);
    const switched = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/admin/rebuilds/${started.body.id}`);
      return r.body.status !== 'running' && r;
    }, 20_000, 'the rebuild finished');
    expect(switched.body.status).toBe('switched');
    expect(answerViolations(document, 'GET', `/api/v1/admin/rebuilds/${started.body.id}`, 200, switched.body)).toEqual([]);
    const operator = await insights.token('acme', 'olga', ['operator']);
    const all = await insights.call('POST', '/api/v1/platform/rebuilds', { body: { readModel: 'cycles' }, token: operator });
    expect(answerViolations(document, 'POST', '/api/v1/platform/rebuilds', 202, all.body)).toEqual([]);
    const done = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/platform/rebuilds/${all.body.id}`, { token: operator });
      return r.body.status !== 'running' && r;
    }, 20_000, 'the platform rebuild finished');
    expect(answerViolations(document, 'GET', `/api/v1/platform/rebuilds/${all.body.id}`, 200, done.body)).toEqual([]);
    const audit = await insights.call('GET', '/api/v1/admin/projection-audit', { token: operator });
    expect(audit.status).toBe(200);
    expect(answerViolations(document, 'GET', '/api/v1/admin/projection-audit', 200, audit.body)).toEqual([]);
    expect(audit.body.readModels.length).toBeGreaterThan(0);
  });

  it('leaves a generated client nothing to guess: every route has its success and error answers described', () => {
    expect(openApiGaps(document)).toEqual([]);
  });

  it('a schema that does not match the answer is caught (the check can fail)', async () => {
    const body = (await insights.call('GET', '/api/v1/teams/growth/dashboard')).body;
    const url = '/api/v1/teams/growth/dashboard';
    expect(answerViolations(document, 'GET', url, 200, { ...body, undocumented: 1 })).not.toEqual([]);
    expect(answerViolations(document, 'GET', url, 200, { ...body, teamName: null })).not.toEqual([]);
    const { counts: _counts, ...withoutCounts } = body;
    expect(answerViolations(document, 'GET', url, 200, withoutCounts)).not.toEqual([]);
  });
});
