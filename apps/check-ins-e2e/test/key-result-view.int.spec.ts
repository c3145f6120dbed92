import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { configurePlatformApp, createPlatformAdapter, issueEmbeddedToken, loadConfig } from '@okr/platform';
import { LogCapture } from '@okr/platform/testing';
import { GoalsModule } from '@okr/goals-app';
import { APPLIED, INTEGRATION_EVENT_CONSUMER, TOPICS, type IntegrationEventConsumer } from '@okr/messaging';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import {
  caller,
  createCheckInsTestApp,
  eventually,
  givenGoalsEvent,
  givenKeyResult,
  KnownGoalsRunner,
  knownGoalsModel,
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
    // Until check-ins has read goals' events: 503 with Retry-After (never a 404 for a key result that exists).
    const accepted = await eventually(async () => {
      const r = await checkIns.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: checkIn });
      if (r.status !== 503) return r;
      expect(r.headers['retry-after']).toBe('1');
      return undefined;
    }, 3000, 'check-in accepted');
    expect(accepted.status).toBe(201);

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
    await givenGoalsEvent(checkIns, objectiveId, 'KeyResultDropped', { keyResultId, reason: 'r' }, async () =>
      (await checkIns.view.keyResult('acme', keyResultId))?.dropped === true,
    );
    const store = checkIns.app.get<ReadStore>(READ_STORE);
    const dump = async () => {
      const known = await store.collection({ name: knownGoalsModel.name });
      const applied = await store.collection({ name: APPLIED });
      return [await known.find({}, { sort: { _id: 1 } }), (await applied.find({ model: knownGoalsModel.name }, { sort: { _id: 1 } })).map(({ appliedAt: _, ...record }) => record)];
    };
    const before = await dump();

    const runner = checkIns.app.get(KnownGoalsRunner);
    // The port as the service has it (wrapped for tracing and personal data), not the embedded adapter.
    const consumer = checkIns.app.get<IntegrationEventConsumer>(INTEGRATION_EVENT_CONSUMER);
    const group = runner.groupOf(knownGoalsModel);
    await runner.onModuleDestroy();
    await consumer.reset(group, [TOPICS.goals.name], { to: 'start' });
    await runner.onApplicationBootstrap();
    await runner.started();
    expect(runner.groupOf(knownGoalsModel)).toBe(group);
    await eventually(async () => consumer.caughtUp(group, [TOPICS.goals.name]), 5000, 'replay');
    expect(await dump()).toEqual(before);
    expect((await checkIns.view.keyResult('acme', keyResultId))?.dropped).toBe(true);
  });

  it('a lost read store is rebuilt from the start of the log on the next start, under a group of its own', async () => {
    const token = await issueEmbeddedToken({ dataDir: checkIns.dataDir, tenant: 'acme', user: 'alice', roles: ['admin'] });
    const inGoals = caller(goals, token);
    const cycle = await inGoals('POST', '/api/v1/cycles', {
      body: { name: 'Winter 2026', startsOn: '2026-11-01', endsOn: '2027-01-31', checkInCadenceDays: 7 },
    });
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Kept' } });
    const kr = await inGoals('POST', `/api/v1/objectives/${objective.body.id}/key-results`, { body: { title: 'Launch', kind: 'milestone' } });
    const keyResultId = kr.body.id as string;
    await eventually(async () => (await checkIns.view.keyResult('acme', keyResultId))?.cycle, 3000, 'the key result and its cycle in the view');
    const oldGroup = checkIns.app.get(KnownGoalsRunner).groupOf(knownGoalsModel);

    // The read store's volume is lost; the bus still remembers how far the old view's group had read.
    const dataDir = checkIns.dataDir;
    await checkIns.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `check-ins.read.sqlite${suffix}`), { force: true });
    checkIns = await createCheckInsTestApp(dataDir);
    await checkIns.app.get(KnownGoalsRunner).started();
    expect(checkIns.app.get(KnownGoalsRunner).groupOf(knownGoalsModel)).not.toBe(oldGroup);

    const accepted = await eventually(async () => {
      const r = await checkIns.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: true, confidence: 7, effectiveAt: '2026-11-09' },
      });
      // Never a 404 for a key result the log holds: 503 (retry) until the view has read it.
      expect([201, 503]).toContain(r.status);
      return r.status === 201 && r;
    }, 5000, 'a check-in on the key result known before the store was lost');
    expect(accepted.status).toBe(201);
    expect((await checkIns.view.keyResult('acme', keyResultId))?.cycle).toEqual({ cycleId: cycle.body.id, startsOn: '2026-11-01', endsOn: '2027-01-31' });
  });
});
