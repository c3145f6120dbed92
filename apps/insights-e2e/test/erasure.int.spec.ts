import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { verifyExport } from '@okr/event-store';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { ERASED_PERSON } from '@okr/okr-domain';
import { caller, createInsightsTestApp, eventually, startServiceApp, type InsightsTestApp } from '@okr/insights-app/testing';

/** The embedded (Kafka-free) platform: an erasure in goals reaches history, audit, replay and the export. */
describe('erasing a person across the services', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let objectiveId: string;
  let keyResultId: string;
  let inGoals: ReturnType<typeof caller>;

  beforeAll(async () => {
    // Insights keeps the keys it opened for OKR_KEY_CACHE_SECONDS: an erasure in goals reaches it within
    // that age (here 1 s), as it reaches any other replica or service.
    insights = await createInsightsTestApp(undefined, { OKR_KEY_CACHE_SECONDS: '1' });
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const asDana = caller(checkIns, await insights.token('acme', 'dana', ['admin']));
    const cycle = await inGoals('POST', '/api/v1/cycles', { body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } });
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: 'Trials convert', ownerId: 'dana' } });
    objectiveId = objective.body.id;
    const kr = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, { body: { title: 'Trial to paid', kind: 'increase', start: 10, target: 30, unit: '%' } });
    keyResultId = kr.body.id;
    const checkIn = await eventually(async () => {
      const r = await asDana('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 18, confidence: 6, note: 'Dana was on leave', effectiveAt: '2026-10-12' } });
      return r.status !== 503 && r;
    }, 5000, 'the check-in accepted once check-ins knows the key result');
    expect(checkIn.status).toBe(201);
  });
  afterAll(async () => {
    await checkIns.close();
    await goals.close();
    await insights.close(true);
  });

  it('shows the person before the erasure and "erased person" after it, with every number and the chain intact', async () => {
    const audit = () => insights.call('GET', `/api/v1/audit/checkins-${keyResultId}`);
    expect((await audit()).body.items).toEqual([expect.objectContaining({ type: 'CheckInRecorded', actor: 'dana' })]);
    const asOf = encodeURIComponent(new Date().toISOString());
    // The replay answers from insights' temporal read model, which follows the log.
    const replayBefore = await eventually(async () => {
      const answer = (await insights.call('GET', `/api/v1/replay?asOf=${asOf}`)).body;
      return answer.items?.[0]?.keyResults?.[0]?.value === 18 && answer;
    }, 5000, 'the replay read model has the check-in');
    expect(replayBefore.items[0].keyResults[0]).toMatchObject({ value: 18, confidence: 6, target: 30 });

    expect((await inGoals('POST', '/api/v1/admin/people/dana/erasure', { body: { reason: 'Left and asked to be forgotten' } })).status).toBe(201);

    const audited = await eventually(async () => {
      const answer = await audit();
      return answer.body.items[0]?.actor !== 'dana' && answer;
    }, undefined, "the erasure reaching insights within its key cache's age");
    expect(audited.body.items).toEqual([expect.objectContaining({ type: 'CheckInRecorded', actor: ERASED_PERSON })]);
    expect(JSON.stringify(audited.body)).not.toContain('Dana was on leave');
    const replay = (await insights.call('GET', `/api/v1/replay?asOf=${asOf}`)).body;
    const replayed = JSON.stringify(replay);
    expect(replayed).not.toMatch(/"dana"|Dana was on leave/);
    expect(replayed).toContain('Trials convert');
    expect(replay.items[0]).toMatchObject({ id: objectiveId, title: 'Trials convert' });
    expect(replay).toEqual(replayBefore);
    expect((await insights.call('GET', `/api/v1/audit/objective-${objectiveId}/verify`)).body).toMatchObject({ intact: true });
    expect((await insights.call('GET', `/api/v1/audit/checkins-${keyResultId}/verify`)).body).toMatchObject({ intact: true });

    const exported = await insights.app.inject({
      method: 'GET',
      url: `/api/v1/audit/exports?stream=checkins-${keyResultId}`,
      headers: { authorization: `Bearer ${await insights.token('acme', 'carol', ['auditor'])}` },
    });
    const file = exported.body;
    expect(file).not.toContain('Dana was on leave');
    expect(file).toContain(ERASED_PERSON);
    const check = await verifyExport((async function* () {
      yield* file.split('\n');
    })());
    expect(check).toMatchObject({ intact: true, problems: [] });
  });
});
