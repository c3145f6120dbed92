import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { READ_STORE, type ReadDocument, type ReadStore } from '@okr/read-store';
import { APPLIED, appliedId, type ReadModel } from '@okr/messaging';
import { caller, createInsightsTestApp, eventually, INSIGHTS_READ_MODELS, type InsightsTestApp, startServiceApp } from '@okr/insights-app/testing';

/** Objectives of another tenant appended straight to the log, so that a rebuild has work to do. */
const EXTRA_OBJECTIVES = 400;

/** A platform operator: rebuilds and the projection audit span every tenant. */
const operatorOf = (app: { token(tenant?: string, user?: string, roles?: string[]): Promise<string> }) => app.token('acme', 'ops', ['operator']);

describe('admin: projection audit and rebuild while serving', () => {
  let insights: InsightsTestApp;
  const operator = () => operatorOf(insights);
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let objectiveId: string;
  let summaryBefore: unknown;
  let atRiskBefore: unknown;

  const audit = async () => {
    const r = await insights.call('GET', '/api/v1/admin/projection-audit', { token: await operator() });
    expect(r.status).toBe(200);
    return r.body;
  };

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
    const objective = await inGoals('POST', '/api/v1/objectives', {
      body: { cycleId: cycle.body.id, teamId: 'growth', title: 'New customers succeed in their first week' },
    });
    expect(objective.status).toBe(201);
    objectiveId = objective.body.id;
    const kr = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, {
      body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' },
    });
    expect(kr.status).toBe(201);
    const keyResultId = kr.body.id;
    expect((await inGoals('POST', `/api/v1/objectives/${objectiveId}/activation`)).status).toBe(200);
    const checkIn = await eventually(async () => {
      const r = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: 30, confidence: 3, effectiveAt: '2026-10-12' },
      });
      return r.status !== 503 && r;
    }, 5000, 'check-in accepted');
    expect(checkIn.status).toBe(201);

    const events = insights.app.get<EventStore>(EVENT_STORE);
    for (let i = 0; i < EXTRA_OBJECTIVES; i++) {
      const id = randomUUID();
      await events.append(
        `objective-${id}`,
        [
          {
            id: randomUUID(),
            type: 'ObjectiveSet',
            data: { objectiveId: id, cycleId: 'c-other', teamId: 'ops', ownerId: 'zed', title: `Objective ${i}` },
            metadata: { tenantId: 'globex', actor: 'zed', correlationId: id, causationId: id, occurredAt: new Date().toISOString() },
          },
        ],
        'no_stream',
      );
    }
    // The log ends with an event of a category no read model reads (a cycle-name reservation):
    // a rebuild must still reach the head (it once read past it forever, and CI timed out).
    await events.append(
      `cyclename-globex:other`,
      [{ id: randomUUID(), type: 'CycleNameReserved', data: { name: 'other' }, metadata: { tenantId: 'globex', actor: 'zed', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() } }],
      'any',
    );

    await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
      return r.status === 200 && r.body.keyResults?.[0]?.confidence === 3 && r.body.status === 'active';
    }, 10_000, 'summary shows the check-in');
    await eventually(async () => (await audit()).ok === true, 20_000, 'every read model caught up with the log');
    summaryBefore = (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body;
    atRiskBefore = (await insights.call('GET', '/api/v1/at-risk')).body;
    expect((atRiskBefore as { items: unknown[] }).items).toHaveLength(1);
  }, 60_000);

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  it('audits ok, then detects an injected drift and names the stream', async () => {
    const report = await audit();
    expect(report.ok).toBe(true);
    const summary = report.readModels.find((m: { name: string }) => m.name === 'objective-summary-v2');
    expect(summary).toMatchObject({ drift: [] });
    expect(summary.streams).toBeGreaterThanOrEqual(EXTRA_OBJECTIVES + 1);

    const applied = await insights.app.get<ReadStore>(READ_STORE).collection({ name: APPLIED });
    const streamId = `objective-${objectiveId}`;
    const record = await applied.findOne({ _id: appliedId('objective-summary-v2', streamId) });
    expect(record).not.toBeNull();
    await applied.deleteMany({ _id: appliedId('objective-summary-v2', streamId) });

    const drifted = await audit();
    expect(drifted.ok).toBe(false);
    expect(drifted.readModels.find((m: { name: string }) => m.name === 'objective-summary-v2').drift).toEqual([
      { streamId, expected: record?.revision, applied: null },
    ]);
    const ready = await insights.call('GET', '/health/ready', { token: null });
    expect(JSON.stringify(ready.body)).toContain('projection-audit');
    const metrics = await insights.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('okr_projection_drift_streams{read_model="objective-summary-v2",service="insights"} 1');
    expect(metrics.body).toContain('okr_projection_drift_streams{read_model="learnings-feed-v2",service="insights"} 0');
  });

  it('rebuilds objective-summary while the API answers the same, then switches and repairs the drift', async () => {
    const started = await insights.call('POST', '/api/v1/platform/rebuilds', { body: { readModel: 'objective-summary-v2' }, token: await operator() });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ id: expect.any(String), readModel: 'objective-summary-v2', scope: 'all', status: 'running' });
    const { id } = started.body;

    let whileRunning = 0;
    let queries = 0;
    for (;;) {
      const progress = await insights.call('GET', `/api/v1/platform/rebuilds/${id}`, { token: await operator() });
      expect(progress.status).toBe(200);
      const [summary, atRisk] = await Promise.all([
        insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`),
        insights.call('GET', '/api/v1/at-risk'),
      ]);
      queries += 1;
      expect(summary.status).toBe(200);
      expect(summary.body).toEqual(summaryBefore);
      expect(atRisk.status).toBe(200);
      expect(atRisk.body).toEqual(atRiskBefore);
      if (progress.body.status !== 'running') {
        expect(progress.body).toMatchObject({ id, readModel: 'objective-summary-v2', status: 'switched', finishedAt: expect.any(String) });
        expect(progress.body.processed).toBeGreaterThanOrEqual(EXTRA_OBJECTIVES);
        expect(progress.body.position).toBeGreaterThanOrEqual(progress.body.headPosition);
        break;
      }
      whileRunning += 1;
    }
    expect(whileRunning).toBeGreaterThan(0);
    expect(queries).toBeGreaterThan(1);

    // The rebuilt view answers the same, no rebuild collection is left, and the drift is repaired.
    expect((await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body).toEqual(summaryBefore);
    expect((await insights.call('GET', '/api/v1/at-risk')).body).toEqual(atRiskBefore);
    const collections = await insights.app.get<ReadStore>(READ_STORE).listCollections();
    expect(collections.filter((name) => name.includes('__rebuild_'))).toEqual([]);
    expect((await audit()).ok).toBe(true);

    // The live consumer follows again after the switch.
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    expect((await inGoals('POST', `/api/v1/objectives/${objectiveId}/rewordings`, { body: { title: 'Renamed after the rebuild' } })).status).toBe(201);
    await eventually(async () => (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body.title === 'Renamed after the rebuild', 5000, 'summary follows after the switch');
  }, 60_000);

  it("rebuilds one tenant's documents and applied records only: acme's restored as built, globex's damage left as it was", async () => {
    const store = insights.app.get<ReadStore>(READ_STORE);
    const summaries = await store.collection({ name: 'objective-summary-v2' });
    const applied = await store.collection({ name: APPLIED });
    const withoutTime = (records: ReadDocument[]) => records.map(({ appliedAt: _, ...record }) => record);
    const byId = { sort: { _id: 1 as const } };
    const acmeBuilt = await summaries.find({ tenantId: 'acme' }, byId);
    const acmeApplied = withoutTime(await applied.find({ model: 'objective-summary-v2', tenantId: 'acme' }, byId));
    expect(acmeBuilt.map((d) => d._id)).toEqual([objectiveId]);

    // Damage both tenants' documents in the read store itself; the live consumer does not notice.
    const [globexKept, globexDeleted] = await summaries.find({ tenantId: 'globex' }, { ...byId, limit: 2 });
    await summaries.updateOne({ _id: objectiveId }, { $set: { title: 'corrupted', progress: 99 } });
    await summaries.updateOne({ _id: globexKept._id }, { $set: { title: 'corrupted too' } });
    await summaries.deleteMany({ _id: globexDeleted._id });
    const globexDamaged = await summaries.find({ tenantId: 'globex' }, byId);
    const globexApplied = await applied.find({ model: 'objective-summary-v2', tenantId: 'globex' }, byId);

    const tenantAdmin = await insights.token('acme', 'alice', ['admin']);
    const started = await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel: 'objective-summary-v2' }, token: tenantAdmin });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ id: expect.any(String), readModel: 'objective-summary-v2', scope: 'tenant', status: 'running' });
    const done = await eventually(async () => {
      const r = await insights.call('GET', `/api/v1/admin/rebuilds/${started.body.id}`, { token: tenantAdmin });
      expect(r.status).toBe(200);
      return r.body.status !== 'running' && r.body;
    }, 30_000, 'the tenant rebuild finished');
    expect(done).toMatchObject({ readModel: 'objective-summary-v2', scope: 'tenant', tenantId: 'acme', status: 'switched' });

    expect(await summaries.find({ tenantId: 'acme' }, byId)).toEqual(acmeBuilt);
    expect(withoutTime(await applied.find({ model: 'objective-summary-v2', tenantId: 'acme' }, byId))).toEqual(acmeApplied);
    expect(await summaries.find({ tenantId: 'globex' }, byId)).toEqual(globexDamaged);
    expect(await summaries.findOne({ _id: globexDeleted._id })).toBeNull();
    expect(await applied.find({ model: 'objective-summary-v2', tenantId: 'globex' }, byId)).toEqual(globexApplied);
    expect((await store.listCollections()).filter((name) => name.includes('__rebuild_'))).toEqual([]);
    expect((await applied.find({})).filter((record) => String(record['model']).includes('__rebuild_'))).toEqual([]);

    // Another tenant's rebuild is not found by acme's admin; the operator sees it.
    expect((await insights.call('GET', `/api/v1/platform/rebuilds/${started.body.id}`, { token: await operator() })).status).toBe(200);
    const globexAdmin = await insights.token('globex', 'gina', ['admin']);
    expect((await insights.call('GET', `/api/v1/admin/rebuilds/${started.body.id}`, { token: globexAdmin })).status).toBe(404);
  }, 60_000);

  it("restores every read model's documents of a tenant exactly as built, each carrying the tenant", async () => {
    const store = insights.app.get<ReadStore>(READ_STORE);
    const tenantAdmin = await insights.token('acme', 'alice', ['admin']);
    const restored: Record<string, number> = {};
    for (const model of INSIGHTS_READ_MODELS) {
      const collection = await store.collection({ name: model.name });
      const built = await collection.find({ tenantId: 'acme' }, { sort: { _id: 1 } });
      const others = await collection.count({ tenantId: { $ne: 'acme' } });
      await collection.deleteMany({ tenantId: 'acme' });
      const started = await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel: model.name }, token: tenantAdmin });
      expect(started.status).toBe(202);
      const done = await eventually(async () => {
        const r = await insights.call('GET', `/api/v1/admin/rebuilds/${started.body.id}`, { token: tenantAdmin });
        return r.body.status !== 'running' && r.body;
      }, 30_000, `the tenant rebuild of ${model.name} finished`);
      expect(done).toMatchObject({ readModel: model.name, status: 'switched' });
      expect(await collection.find({ tenantId: 'acme' }, { sort: { _id: 1 } })).toEqual(built);
      expect(await collection.count({ tenantId: { $ne: 'acme' } })).toBe(others);
      restored[model.name] = built.length;
    }
    // The seeded tenant has a cycle, an objective with a key result and a check-in: those views were really rebuilt.
    expect(restored).toMatchObject({ 'objective-summary-v2': 1, 'key-result-series-v2': 2, cycles: 1 });
  }, 120_000);

  it('fails a tenant rebuild whose documents do not carry the tenant, and leaves the live view as it was', async () => {
    const store = insights.app.get<ReadStore>(READ_STORE);
    const cycles = await store.collection({ name: 'cycles' });
    const model = INSIGHTS_READ_MODELS.find((m) => m.name === 'cycles') as ReadModel;
    const before = await cycles.find({}, { sort: { _id: 1 } });
    const project = model.project.bind(model);
    // A read model that forgot the tenant: deleting the tenant's documents would not replace these.
    const spy = jest.spyOn(model, 'project').mockImplementation((event, current) =>
      project(event, current).map((op) => ('replaceOne' in op ? { replaceOne: { ...op.replaceOne, replacement: { ...op.replaceOne.replacement, tenantId: undefined } } } : op)),
    );
    try {
      const tenantAdmin = await insights.token('acme', 'alice', ['admin']);
      const started = await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel: 'cycles' }, token: tenantAdmin });
      expect(started.status).toBe(202);
      const done = await eventually(async () => {
        const r = await insights.call('GET', `/api/v1/admin/rebuilds/${started.body.id}`, { token: tenantAdmin });
        return r.body.status !== 'running' && r.body;
      }, 30_000, 'the tenant rebuild of cycles finished');
      expect(done).toMatchObject({ status: 'failed', error: expect.stringContaining('do not carry tenant acme') });
    } finally {
      spy.mockRestore();
    }
    expect(await cycles.find({}, { sort: { _id: 1 } })).toEqual(before);
    expect((await store.listCollections()).filter((name) => name.includes('__rebuild_'))).toEqual([]);
  }, 60_000);

  it('answers 404 for an unknown read model or rebuild, and 403 without the role each scope needs', async () => {
    const tenantAdmin = await insights.token('acme', 'alice', ['admin']);
    expect((await insights.call('POST', '/api/v1/platform/rebuilds', { body: { readModel: 'nope' }, token: await operator() })).status).toBe(404);
    expect((await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel: 'nope' }, token: tenantAdmin })).status).toBe(404);
    expect((await insights.call('GET', `/api/v1/platform/rebuilds/${randomUUID()}`, { token: await operator() })).status).toBe(404);
    expect((await insights.call('GET', `/api/v1/admin/rebuilds/${randomUUID()}`, { token: tenantAdmin })).status).toBe(404);
    const member = await insights.token('acme', 'carol');
    const forbidden = await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel: 'objective-summary-v2' }, token: member });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ status: 403, code: 'permission-denied', details: { permission: 'tenant:admin' } });
    expect((await insights.call('GET', '/api/v1/admin/projection-audit', { token: member })).status).toBe(403);
    // A tenant's admin may not rebuild every tenant's read models nor read their streams' audit.
    const all = await insights.call('POST', '/api/v1/platform/rebuilds', { body: { readModel: 'objective-summary-v2' }, token: tenantAdmin });
    expect(all.status).toBe(403);
    expect(all.headers['content-type']).toContain('application/problem+json');
    expect(all.body).toMatchObject({ status: 403, code: 'permission-denied', details: { permission: 'platform:operate' } });
    expect((await insights.call('GET', '/api/v1/admin/projection-audit', { token: tenantAdmin })).status).toBe(403);
  });
});
