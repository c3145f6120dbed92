import { v7 as uuidv7 } from 'uuid';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { insightStreamName } from '@okr/okr-domain';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { caller, createInsightsTestApp, eventually, instantBetween, startServiceApp, type InsightsTestApp } from '@okr/insights-app/testing';

describe('replay and audit over goals and check-ins events', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let objectiveId: string;
  let keyResultId: string;
  let between: string;
  let after: string;
  let secondCheckInId: string;
  let inCheckIns: ReturnType<typeof caller>;
  /** What goals' and check-ins' own views answered at `between` and at `after`: the replay must agree. */
  const live: Record<'between' | 'after', { target?: number; confidence?: number }> = { between: {}, after: {} };

  beforeAll(async () => {
    insights = await createInsightsTestApp();
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    const token = await insights.token('acme', 'alice', ['admin']);
    const inGoals = caller(goals, token);
    inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));

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
    keyResultId = kr.body.id;

    // Check-ins learns of the key result through the bus; then confidence 8.
    const first = await eventually(async () => {
      const r = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: 30, confidence: 8, effectiveAt: '2026-10-12' },
      });
      return r.status !== 503 && r;
    }, 5000, 'first check-in accepted');
    expect(first.status).toBe(201);

    const capture = async () => {
      const objectiveNow = await inGoals('GET', `/api/v1/objectives/${objectiveId}`);
      const checkInsNow = await inCheckIns('GET', `/api/v1/key-results/${keyResultId}/check-ins`);
      return {
        target: objectiveNow.body.keyResults.find((k: { id: string }) => k.id === keyResultId)?.target,
        confidence: checkInsNow.body.items.at(-1)?.confidence,
      };
    };
    live.between = await capture();
    between = await instantBetween();

    const revised = await inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results/${keyResultId}/target-revisions`, {
      body: { target: 35, reason: 'Seasonality: fewer sign-ups in December' },
    });
    expect(revised.status).toBe(201);
    const second = await inCheckIns('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
      body: { value: 31, confidence: 3, effectiveAt: '2026-10-19' },
    });
    expect(second.status).toBe(201);
    secondCheckInId = second.body.id;

    live.after = await capture();
    after = await instantBetween();
    // The replay answers from insights' temporal read model, which follows the log: wait until it has the revision and the second check-in.
    await eventually(async () => (await replay(after)).body.items?.[0]?.keyResults?.[0]?.value === 31, 5000, 'replay read model caught up');
  });

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  const replay = (asOf: string, query = '', token?: string | null) =>
    insights.call('GET', `/api/v1/replay?asOf=${encodeURIComponent(asOf)}${query}`, token === undefined ? {} : { token });

  it('replays the instant between: target 40, confidence 8, as the live views showed then', async () => {
    expect(live.between).toEqual({ target: 40, confidence: 8 });
    const r = await replay(between);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      asOf: between,
      nextCursor: null,
      items: [
        {
          id: objectiveId,
          title: 'New customers succeed in their first week',
          teamId: 'growth',
          teamName: 'growth',
          cycleId: expect.any(String),
          cycleName: '2026-Q4',
          parentObjectiveIds: [],
          progress: 0.5,
          status: 'draft',
          keyResults: [
            { id: keyResultId, title: 'Week-1 activation', kind: 'increase', target: 40, unit: '%', value: 30, confidence: 8, progress: 0.5 },
          ],
        },
      ],
      learnings: [],
      questions: [],
    });
  });

  it('replays the instant after: target 35, confidence 3, as the live views showed then', async () => {
    expect(live.after).toEqual({ target: 35, confidence: 3 });
    const r = await replay(after);
    expect(r.status).toBe(200);
    expect(r.body.items[0].keyResults).toEqual([
      // 11 / 15 to a hundredth of a percent, as every view shows progress.
      { id: keyResultId, title: 'Week-1 activation', kind: 'increase', target: 35, unit: '%', value: 31, confidence: 3, progress: 0.7333 },
    ]);
  });

  it('filters by team and cycle', async () => {
    expect((await replay(after, '&teamId=growth')).body.items).toHaveLength(1);
    expect((await replay(after, '&teamId=payments')).body.items).toEqual([]);
    expect((await replay(after, '&cycleId=another')).body.items).toEqual([]);
  });

  it('audits the objective stream: every event with actor and reason', async () => {
    const r = await insights.call('GET', `/api/v1/audit/objective-${objectiveId}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((e: { type: string }) => e.type)).toEqual(['ObjectiveSet', 'KeyResultAdded', 'KeyResultTargetRevised']);
    expect(r.body.items.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2]);
    expect(r.body.items.every((e: { actor: string }) => e.actor === 'alice')).toBe(true);
    expect(r.body.items[2]).toMatchObject({
      type: 'KeyResultTargetRevised',
      actor: 'alice',
      occurredAt: expect.any(String),
      reason: 'Seasonality: fewer sign-ups in December',
      data: { keyResultId, to: { target: 35 } },
    });
    // As goals' history shows it: who, when, in which causal chain.
    expect(Object.keys(r.body.items[0]).sort()).toEqual(['actor', 'causationId', 'correlationId', 'data', 'id', 'occurredAt', 'position', 'revision', 'type']);
    const history = await insights.call('GET', `/api/v1/audit/objective-${objectiveId}`);
    expect(history.body.items[2].correlationId).toEqual(expect.any(String));
  });

  it("audits a key result's risk signals (insight-{krId}): the stream exists, so the audit answers", async () => {
    // The objective is a draft here, so nothing assessed it: write the signal as the risk signals would.
    const store = insights.app.get<EventStore>(EVENT_STORE);
    const subject = { keyResultId, objectiveId, cycleId: 'c', teamId: 'growth', objectiveOwnerId: 'alice' };
    await store.append(
      insightStreamName(keyResultId),
      [
        {
          id: uuidv7(),
          type: 'KeyResultAtRisk',
          data: { ...subject, reasons: [{ code: 'low-confidence', message: 'Confidence is 3/10.' }], addedReasons: ['low-confidence'], assessedAt: new Date().toISOString() },
          metadata: { tenantId: 'acme', actor: 'system:insights', correlationId: 'corr-risk', causationId: 'corr-risk', occurredAt: new Date().toISOString() },
        },
      ],
      'no_stream',
    );
    const r = await insights.call('GET', `/api/v1/audit/insight-${keyResultId}`);
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      expect.objectContaining({ type: 'KeyResultAtRisk', actor: 'system:insights', correlationId: 'corr-risk', data: expect.objectContaining({ keyResultId }) }),
    ]);
    const globex = await insights.token('globex', 'mallory');
    expect((await insights.call('GET', `/api/v1/audit/insight-${keyResultId}`, { token: globex })).status).toBe(404);
  });

  it('shows when an imported event was written (importedAt) next to when it happened (occurredAt)', async () => {
    const store = insights.app.get<EventStore>(EVENT_STORE);
    const cycleId = uuidv7();
    const metadata = { tenantId: 'acme', actor: 'migration', correlationId: 'import-7', causationId: 'import-7', occurredAt: '2026-06-22T09:00:00.000Z', importedAt: '2026-12-03T08:00:00.000Z' };
    const data = { cycleId, name: 'Imported Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7 };
    await store.append(`cycle-${cycleId}`, [{ id: uuidv7(), type: 'CyclePlanned', data, metadata }], 'no_stream');
    const r = await insights.call('GET', `/api/v1/audit/cycle-${cycleId}`);
    expect(r.body.items).toEqual([
      expect.objectContaining({ type: 'CyclePlanned', actor: 'migration', occurredAt: metadata.occurredAt, importedAt: metadata.importedAt, correlationId: 'import-7' }),
    ]);
  });

  it('audits the check-ins stream with the check-in author as actor', async () => {
    const r = await insights.call('GET', `/api/v1/audit/checkins-${keyResultId}`);
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      expect.objectContaining({ type: 'CheckInRecorded', revision: 0, actor: 'bob' }),
      expect.objectContaining({ type: 'CheckInRecorded', revision: 1, actor: 'bob' }),
    ]);
  });

  it('another tenant gets no objectives and a 404 on audit', async () => {
    const globex = await insights.token('globex', 'mallory');
    const r = await replay(after, '', globex);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ items: [], nextCursor: null, learnings: [] });
    expect((await insights.call('GET', `/api/v1/audit/objective-${objectiveId}`, { token: globex })).status).toBe(404);
  });

  it('404 for an unknown stream and for streams outside the audited categories', async () => {
    expect((await insights.call('GET', '/api/v1/audit/objective-00000000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await insights.call('GET', '/api/v1/audit/$idempotency-x')).status).toBe(404);
    expect((await insights.call('GET', '/api/v1/audit/objective')).status).toBe(404);
  });

  it('says once that asOf is required when it is missing', async () => {
    const r = await insights.call('GET', '/api/v1/replay');
    expect(r.body.errors).toEqual([{ field: 'asOf', message: 'asOf is required' }]);
  });

  it('400 naming asOf when it is missing or invalid', async () => {
    for (const url of ['/api/v1/replay', '/api/v1/replay?asOf=yesterday', '/api/v1/replay?asOf=2026-13-45']) {
      const r = await insights.call('GET', url);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.errors)).toContain('asOf');
    }
  });

  it('401 without a token', async () => {
    expect((await replay(after, '', null)).status).toBe(401);
    expect((await insights.call('GET', `/api/v1/audit/objective-${objectiveId}`, { token: null })).status).toBe(401);
  });

  // Last: it corrects a check-in, which the audits above would otherwise list.
  it('replays check-ins as known then by default, and as corrected since with ?checkIns=corrected', async () => {
    const corrected = await inCheckIns('POST', `/api/v1/check-ins/${secondCheckInId}/corrections`, { body: { value: 32, reason: 'Late sign-ups counted' } });
    expect(corrected.status).toBe(201);
    await eventually(async () => (await replay(between, '&checkIns=corrected')).body.items?.[0]?.keyResults?.[0]?.value === 32, 5000, 'the correction replayed');
    const valueAt = async (instant: string, query: string) => (await replay(instant, query)).body.items[0].keyResults[0].value;
    expect(await valueAt(between, '')).toBe(30);
    expect(await valueAt(between, '&checkIns=known')).toBe(30);
    expect(await valueAt(after, '&checkIns=known')).toBe(31);
    // As corrected since, the check-in recorded after `between` about 2026-10-19 counts, with its correction.
    expect(await valueAt(between, '&checkIns=corrected')).toBe(32);
    const bad = await replay(between, '&checkIns=later');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'checkIns', message: 'checkIns must be one of: known, corrected' }]);
  });
});
