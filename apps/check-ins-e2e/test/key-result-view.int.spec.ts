import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configurePlatformApp, createPlatformAdapter, issueEmbeddedToken, loadConfig } from '@okr/platform';
import { LogCapture } from '@okr/platform/testing';
import { GoalsModule } from '@okr/goals-app';
import { INTEGRATION_EVENT_CONSUMER, TOPICS, type IntegrationEventConsumer } from '@okr/messaging';
import {
  caller,
  CHECK_INS_VIEW_VERSION,
  createCheckInsTestApp,
  eventually,
  givenGoalsEvent,
  givenKeyResult,
  ViewProjections,
  type CheckInsTestApp,
} from '@okr/check-ins-app/testing';

/** The real goals module next to the real check-ins module, on the same data folder and embedded bus. */
async function createGoalsApp(dataDir: string) {
  const config = loadConfig({ OKR_DATA_DIR: dataDir }, { PORT: 0 });
  const moduleRef = await Test.createTestingModule({ imports: [GoalsModule.forRoot(config, new LogCapture())] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createPlatformAdapter(config), { bufferLogs: true });
  configurePlatformApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('the key-result view follows goals events', () => {
  let checkIns: CheckInsTestApp;
  let goals: NestFastifyApplication;
  beforeAll(async () => {
    checkIns = await createCheckInsTestApp();
    goals = await createGoalsApp(checkIns.dataDir);
  });
  afterAll(async () => {
    await goals.close();
    await checkIns.close(true);
  });

  it('a key result created in goals takes check-ins; once dropped in goals, check-ins are refused', async () => {
    const token = await issueEmbeddedToken({ dataDir: checkIns.dataDir, tenant: 'acme', user: 'alice', roles: ['admin'] });
    const inGoals = caller(goals, token);
    const cycle = await inGoals('POST', '/api/v1/cycles', {
      body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 },
    });
    expect(cycle.status).toBe(201);
    const objective = await inGoals('POST', '/api/v1/objectives', {
      body: { cycleId: cycle.body.id, teamId: 'growth', title: 'New customers succeed in their first week' },
    });
    expect(objective.status).toBe(201);
    const objectiveId = objective.body.id as string;
    const kr = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, {
      body: { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' },
    });
    expect(kr.status).toBe(201);
    const keyResultId = kr.body.id as string;

    const checkIn = { value: 24, confidence: 6, note: 'Onboarding emails live', effectiveAt: '2026-10-12' };
    const started = Date.now();
    const accepted = await eventually(async () => {
      const r = await checkIns.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: checkIn });
      if (r.status !== 404) return r;
      return undefined;
    }, 3000, 'check-in accepted');
    expect(accepted.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);

    const dropped = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results/${keyResultId}/drop`, {
      body: { reason: 'Measures the wrong thing' },
    });
    expect(dropped.status).toBe(200);
    const refused = await eventually(async () => {
      const r = await checkIns.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { ...checkIn, effectiveAt: '2026-10-19' } });
      return r.status === 422 && r;
    }, 3000, 'check-in refused');
    expect(refused.body).toMatchObject({ code: 'key-result-dropped' });

    // The learning of the walkthrough, linked to the objective goals created.
    const learning = await checkIns.call('POST', '/api/v1/learnings', {
      body: {
        objectiveId,
        keyResultIds: [keyResultId],
        tried: 'A guided import',
        result: 'invalidated',
        insight: 'Permissions, not import',
        evidence: [{ kind: 'customer-interview', summary: '7 of 10 stalled' }],
        tags: ['onboarding'],
      },
    });
    expect(learning.status).toBe(201);
  });

  it('redelivered goals events change nothing (the group replayed from the start)', async () => {
    const { keyResultId, objectiveId } = await givenKeyResult(checkIns);
    await givenGoalsEvent(checkIns, objectiveId, 'KeyResultDropped', { keyResultId, reason: 'r' }, () =>
      checkIns.view.keyResult('acme', keyResultId)?.dropped === true,
    );
    const dump = () =>
      ['objectives', 'key_results', 'bus_applied'].map((table) => checkIns.view.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all());
    const before = dump();

    const projections = checkIns.app.get(ViewProjections);
    // The port as the service has it (wrapped for tracing and personal data), not the embedded adapter.
    const consumer = checkIns.app.get<IntegrationEventConsumer>(INTEGRATION_EVENT_CONSUMER);
    const group = await checkIns.view.followedGroup('check-ins.key-results');
    await projections.onModuleDestroy();
    await consumer.reset(group, [TOPICS.goals.name], { to: 'start' });
    await projections.onApplicationBootstrap();
    await eventually(async () => consumer.caughtUp(group, [TOPICS.goals.name]), 5000, 'replay');
    // Let the events after the last goals event (own categories) pass too, then compare.
    await new Promise((r) => setTimeout(r, 100));
    expect(dump()).toEqual(before);
    expect(checkIns.view.keyResult('acme', keyResultId)?.dropped).toBe(true);
  });

  it('a lost view file is rebuilt from the start of the log on the next start', async () => {
    const token = await issueEmbeddedToken({ dataDir: checkIns.dataDir, tenant: 'acme', user: 'alice', roles: ['admin'] });
    const inGoals = caller(goals, token);
    const cycle = await inGoals('POST', '/api/v1/cycles', {
      body: { name: 'Winter 2026', startsOn: '2026-11-01', endsOn: '2027-01-31', checkInCadenceDays: 7 },
    });
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Kept' } });
    const kr = await inGoals('POST', `/api/v1/objectives/${objective.body.id}/key-results`, { body: { title: 'Launch', kind: 'milestone' } });
    const keyResultId = kr.body.id as string;
    await eventually(async () => checkIns.view.keyResult('acme', keyResultId), 3000, 'the key result in the view');

    // The view's volume is lost; the bus still remembers how far the old view had read.
    const dataDir = checkIns.dataDir;
    await checkIns.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `check-ins.view.sqlite${suffix}`), { force: true });
    checkIns = await createCheckInsTestApp(dataDir);

    const accepted = await eventually(async () => {
      const r = await checkIns.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: true, confidence: 7, effectiveAt: '2026-11-09' },
      });
      return r.status === 201 && r;
    }, 5000, 'a check-in on the key result known before the view was lost');
    expect(accepted.status).toBe(201);
  });

  it("a view written by an older version is rebuilt, so that every key result's cycle is known", async () => {
    const token = await issueEmbeddedToken({ dataDir: checkIns.dataDir, tenant: 'acme', user: 'alice', roles: ['admin'] });
    const inGoals = caller(goals, token);
    const cycle = await inGoals('POST', '/api/v1/cycles', {
      body: { name: 'Autumn 2026', startsOn: '2026-09-01', endsOn: '2026-11-30', checkInCadenceDays: 7 },
    });
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Older view' } });
    const kr = await inGoals('POST', `/api/v1/objectives/${objective.body.id}/key-results`, { body: { title: 'Ship it', kind: 'milestone' } });
    const keyResultId = kr.body.id as string;
    await eventually(async () => checkIns.view.keyResult('acme', keyResultId)?.cycle, 3000, 'the key result and its cycle in the view');

    // The view as the previous version left it: no cycles known, schema version 1.
    const dataDir = checkIns.dataDir;
    checkIns.view.db.exec('DELETE FROM cycles');
    checkIns.view.db.pragma('user_version = 1');
    await checkIns.close();
    checkIns = await createCheckInsTestApp(dataDir);

    const known = await eventually(async () => checkIns.view.keyResult('acme', keyResultId)?.cycle, 5000, 'the cycle after the rebuild');
    expect(known).toEqual({ cycleId: cycle.body.id, startsOn: '2026-09-01', endsOn: '2026-11-30' });
    expect(checkIns.view.db.pragma('user_version', { simple: true })).toBe(CHECK_INS_VIEW_VERSION);
  });
});
