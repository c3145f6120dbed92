import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore } from '@okr/event-store';
import {
  INTEGRATION_EVENT_CONSUMER,
  TOPICS,
  toIntegrationEvent,
  type IntegrationEvent,
  type IntegrationEventConsumer,
} from '@okr/messaging';
import { INSIGHT_CATEGORY, checkInStreamName, insightStreamName, type EventEnvelope } from '@okr/okr-domain';
import { READ_STORE } from '@okr/read-store';
import { AT_RISK_OPTIONS, caller, type Clock, createInsightsTestApp, eventually, INSIGHTS_CLOCK, type InsightsTestApp, objectiveSummaryModel, ProjectionRunner, RISK_ACTOR, RiskSignals, startServiceApp } from '@okr/insights-app/testing';

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

type Caller = ReturnType<typeof caller>;

describe('risk signals: key result at risk / back on track on okr.insights.v1', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let inGoals: Caller;
  let inCheckIns: Caller;
  let store: EventStore;
  let signals: RiskSignals;
  let clock: Clock;
  let cycleId: string;
  let objectiveId: string;
  let keyResultId: string;

  const bindInsights = () => {
    store = insights.app.get<EventStore>(EVENT_STORE);
    signals = insights.app.get(RiskSignals);
    clock = insights.app.get<Clock>(INSIGHTS_CLOCK);
  };
  const allRiskEvents = async (): Promise<EventEnvelope[]> => {
    const events: EventEnvelope[] = [];
    for await (const event of store.readAll({ categories: [INSIGHT_CATEGORY] })) events.push(event);
    return events;
  };
  const riskEvents = async (krId: string): Promise<EventEnvelope[]> => {
    const events: EventEnvelope[] = [];
    for await (const event of store.readStream(insightStreamName(krId))) events.push(event);
    return events;
  };
  const eventuallyRiskEvents = (krId: string, count: number) =>
    eventually(async () => {
      const events = await riskEvents(krId);
      return events.length >= count && events;
    }, 5000, `${count} risk event(s) of ${krId}`);
  const codes = (event: EventEnvelope) => (event.data as { reasons: { code: string }[] }).reasons.map((r) => r.code);

  /** An active objective of team growth owned by alice, with one increase key result 0 -> 100 owned by bob. */
  const activeObjective = async (title: string): Promise<{ objectiveId: string; keyResultId: string }> => {
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title } });
    expect(objective.status).toBe(201);
    const kr = await inGoals('POST', `/api/v1/objectives/${objective.body.id}/key-results`, {
      body: { title: `${title}: signups`, kind: 'increase', start: 0, target: 100, ownerId: 'bob' },
    });
    expect(kr.status).toBe(201);
    expect((await inGoals('POST', `/api/v1/objectives/${objective.body.id}/activation`)).status).toBe(200);
    return { objectiveId: objective.body.id, keyResultId: kr.body.id };
  };

  /** Records a check-in once the check-ins service knows the key result. */
  const checkIn = async (krId: string, value: number, confidence: number) => {
    const r = await eventually(async () => {
      const response = await inCheckIns('POST', `/api/v1/key-results/${krId}/check-ins`, {
        body: { value, confidence, effectiveAt: new Date().toISOString() },
      });
      return response.status !== 503 && response;
    }, 5000, 'check-in accepted');
    expect(r.status).toBe(201);
  };

  beforeAll(async () => {
    insights = await createInsightsTestApp();
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));
    bindInsights();

    // Starts yesterday: nothing is behind pace or stale before the first check-in.
    const cycle = await inGoals('POST', '/api/v1/cycles', {
      body: { name: 'This quarter', startsOn: isoDate(Date.now() - DAY_MS), endsOn: isoDate(Date.now() + 89 * DAY_MS), checkInCadenceDays: 7 },
    });
    expect(cycle.status).toBe(201);
    cycleId = cycle.body.id;
    ({ objectiveId, keyResultId } = await activeObjective('New customers succeed in their first week'));
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  it('appends exactly one KeyResultAtRisk for a check-in at confidence 3, with the reason, the owners and the cause', async () => {
    await checkIn(keyResultId, 50, 3);
    const [atRisk, ...more] = await eventuallyRiskEvents(keyResultId, 1);
    expect(more).toEqual([]);
    const [recorded] = await (async () => {
      const events: EventEnvelope[] = [];
      for await (const event of store.readStream(checkInStreamName(keyResultId))) events.push(event);
      return events;
    })();
    expect(atRisk).toMatchObject({
      type: 'KeyResultAtRisk',
      streamId: `insight-${keyResultId}`,
      revision: 0,
      data: {
        keyResultId,
        objectiveId,
        cycleId,
        teamId: 'growth',
        objectiveOwnerId: 'alice',
        keyResultOwnerId: 'bob',
        reasons: [{ code: 'low-confidence', message: expect.stringContaining('3/10') }],
        addedReasons: ['low-confidence'],
        assessedAt: expect.any(String),
      },
      metadata: {
        tenantId: 'acme',
        actor: RISK_ACTOR,
        causationId: recorded.id,
        correlationId: recorded.metadata.correlationId,
      },
    });
    expect(atRisk.metadata.occurredAt).toBe((atRisk.data as { assessedAt: string }).assessedAt);
  });

  it('appends nothing when the same event comes again or the sweep runs again', async () => {
    const [recorded] = await (async () => {
      const events: EventEnvelope[] = [];
      for await (const event of store.readStream(checkInStreamName(keyResultId))) events.push(event);
      return events;
    })();
    await signals.afterApplied(objectiveSummaryModel, toIntegrationEvent(recorded));
    const again = await signals.assessObjective('acme', objectiveId);
    expect(again).toEqual({ objectiveId, appended: [], failed: 0 });
    expect(await signals.sweep()).toMatchObject({ appended: 0, failed: 0 });
    expect(await signals.sweep()).toMatchObject({ appended: 0, failed: 0 });
    expect(await riskEvents(keyResultId)).toHaveLength(1);
  });

  it('appends a KeyResultAtRisk naming only the added code when a new reason joins (time alone: stale check-in)', async () => {
    jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + 8 * DAY_MS));
    const sweep = await signals.sweep();
    expect(sweep).toMatchObject({ appended: 1, failed: 0 });
    const events = await riskEvents(keyResultId);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      type: 'KeyResultAtRisk',
      data: { keyResultId, keyResultOwnerId: 'bob', addedReasons: ['stale-check-in'] },
      metadata: { actor: RISK_ACTOR },
    });
    expect(codes(events[1])).toEqual(['low-confidence', 'stale-check-in']);
    // A sweep has no triggering event: it is its own cause.
    expect(events[1].metadata.causationId).toBe(events[1].metadata.correlationId);
    expect(await signals.sweep()).toMatchObject({ appended: 0 });
  });

  it('appends KeyResultBackOnTrack for a check-in at confidence 8, naming the reasons it had', async () => {
    await checkIn(keyResultId, 60, 8);
    const events = await eventuallyRiskEvents(keyResultId, 3);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({
      type: 'KeyResultBackOnTrack',
      data: {
        keyResultId,
        objectiveId,
        cycleId,
        teamId: 'growth',
        objectiveOwnerId: 'alice',
        keyResultOwnerId: 'bob',
        previousReasons: ['low-confidence', 'stale-check-in'],
      },
    });
  });

  it('shows the risk and its history at GET /key-results/:id/risk, for the tenant only', async () => {
    const r = await insights.call('GET', `/api/v1/key-results/${keyResultId}/risk`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ keyResultId, atRisk: false, reasons: [], revision: 2 });
    expect(r.body.history.map((e: { type: string }) => e.type)).toEqual(['KeyResultAtRisk', 'KeyResultAtRisk', 'KeyResultBackOnTrack']);
    const other = await insights.call('GET', `/api/v1/key-results/${keyResultId}/risk`, { token: await insights.token('globex', 'mallory') });
    expect(other.status).toBe(404);
    expect((await insights.call('GET', '/api/v1/key-results/unknown/risk')).status).toBe(404);
  });

  it('is back on track when its objective is archived', async () => {
    await checkIn(keyResultId, 60, 2);
    const atRisk = await eventuallyRiskEvents(keyResultId, 4);
    expect(atRisk[3]).toMatchObject({ type: 'KeyResultAtRisk', data: { addedReasons: ['low-confidence'] } });
    expect((await insights.call('GET', `/api/v1/key-results/${keyResultId}/risk`)).body).toMatchObject({
      atRisk: true,
      reasons: [{ code: 'low-confidence' }],
    });

    expect((await inGoals('POST', `/api/v1/objectives/${objectiveId}/archival`, { body: { reason: 'Merged into another' } })).status).toBe(200);
    const events = await eventuallyRiskEvents(keyResultId, 5);
    expect(events).toHaveLength(5);
    expect(events[4]).toMatchObject({ type: 'KeyResultBackOnTrack', data: { previousReasons: ['low-confidence'] } });
    expect(await signals.sweep()).toMatchObject({ appended: 0 });
  });

  it('is back on track when the key result is dropped, and when its objective is graded and closed', async () => {
    const second = await activeObjective('Self-serve upgrades');
    const kept = second.keyResultId;
    const dropped = await inGoals('POST', `/api/v1/objectives/${second.objectiveId}/key-results`, {
      body: { title: 'Upgrade page views', kind: 'increase', start: 0, target: 100 },
    });
    expect(dropped.status).toBe(201);
    await checkIn(kept, 50, 1);
    await checkIn(dropped.body.id, 50, 1);
    await eventuallyRiskEvents(kept, 1);
    const [droppedAtRisk] = await eventuallyRiskEvents(dropped.body.id, 1);
    expect(droppedAtRisk.data).not.toHaveProperty('keyResultOwnerId');

    const drop = await inGoals('POST', `/api/v1/objectives/${second.objectiveId}/key-results/${dropped.body.id}/drop`, {
      body: { reason: 'Not an outcome' },
    });
    expect(drop.status).toBe(200);
    expect((await eventuallyRiskEvents(dropped.body.id, 2))[1]).toMatchObject({
      type: 'KeyResultBackOnTrack',
      data: { keyResultId: dropped.body.id, previousReasons: ['low-confidence'] },
    });

    const graded = await inGoals('POST', `/api/v1/objectives/${second.objectiveId}/grading`, {
      body: { keyResultGrades: [{ keyResultId: kept, grade: 0.5 }], retrospective: 'Half way' },
    });
    expect(graded.status).toBe(200);
    expect((await eventuallyRiskEvents(kept, 2))[1]).toMatchObject({ type: 'KeyResultBackOnTrack', data: { previousReasons: ['low-confidence'] } });
    expect(await riskEvents(dropped.body.id)).toHaveLength(2);
  });

  it('publishes nothing while a lost read store is rebuilt from the start of the log (past states are not judged at today\'s clock)', async () => {
    const before = await allRiskEvents();
    const summaries = async () => (await insights.call('GET', `/api/v1/teams/growth/dashboard?cycleId=${cycleId}`)).body.objectives;
    const expected = await summaries();
    expect(expected).toHaveLength(2);
    const dataDir = insights.dataDir;
    await insights.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `insights.read.sqlite${suffix}`), { force: true });
    insights = await createInsightsTestApp(dataDir);
    bindInsights();
    // Each event's assessment runs before the next event is applied: once the views are whole, every
    // assessment of a past state has run.
    await eventually(async () => JSON.stringify(await summaries()) === JSON.stringify(expected), 5000, 'views rebuilt');
    expect(await signals.sweep()).toMatchObject({ appended: 0, failed: 0 });
    expect((await allRiskEvents()).map((e) => e.id)).toEqual(before.map((e) => e.id));
  });

  it('publishes a risk that arose while its read store was lost once the rebuilt read models caught up (the sweep they trigger, not the next periodic one)', async () => {
    const dataDir = insights.dataDir;
    await insights.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `insights.read.sqlite${suffix}`), { force: true });
    // Insights is down: nothing assesses this check-in when it is recorded.
    const { keyResultId: krId } = await activeObjective('Onboarding calls booked in a day');
    await checkIn(krId, 10, 2);

    // Rebuilt from the start of the log: the check-in's event is applied while the summary catches up
    // (no assessment then); the sweep at start ran before; the next periodic one is a minute away.
    insights = await createInsightsTestApp(dataDir);
    bindInsights();
    const [atRisk] = await eventuallyRiskEvents(krId, 1);
    expect(atRisk).toMatchObject({ type: 'KeyResultAtRisk', data: { keyResultId: krId } });
    expect(codes(atRisk)).toContain('low-confidence');
  });

  it('appends one event when two RiskSignals assess the same objective at once (the loser re-reads and decides nothing)', async () => {
    const { objectiveId: contested, keyResultId: krId } = await activeObjective('Fewer support tickets');
    await checkIn(krId, 50, 3);
    await eventuallyRiskEvents(krId, 1);

    // Both replicas read the stream before either appends: each one's first append waits for the other's.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const conflicts: unknown[] = [];
    const replica = async () => {
      let first = true;
      const gated: EventStore = {
        readStream: (...args) => store.readStream(...args),
        readAll: (...args) => store.readAll(...args),
        subscribe: (...args) => store.subscribe(...args),
        appendMany: (...args) => store.appendMany(...args),
        headPosition: () => store.headPosition(),
        close: async () => undefined,
        append: async (...args) => {
          if (first) {
            first = false;
            if (++arrived === 2) release();
            // Bounded, so that a replica that never appends fails the assertions below instead of hanging.
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([bothRead, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
            clearTimeout(timer);
          }
          try {
            return await store.append(...args);
          } catch (error) {
            if (error instanceof WrongExpectedRevisionError) conflicts.push(error);
            throw error;
          }
        },
      };
      const later: Clock = { now: () => new Date(Date.now() + 8 * DAY_MS) };
      return new RiskSignals(
        gated,
        insights.app.get(READ_STORE),
        insights.app.get(AT_RISK_OPTIONS),
        { sweepSeconds: 0 },
        later,
        insights.app.get(ProjectionRunner),
        await insights.app.resolve(PinoLogger),
      );
    };
    const [a, b] = await Promise.all([replica(), replica()]);
    const [first, second] = await Promise.all([a.assessObjective('acme', contested), b.assessObjective('acme', contested)]);

    expect(conflicts).toHaveLength(1);
    expect([...first.appended, ...second.appended]).toHaveLength(1);
    expect(first.failed + second.failed).toBe(0);
    const events = await riskEvents(krId);
    expect(events.map((e) => e.type)).toEqual(['KeyResultAtRisk', 'KeyResultAtRisk']);
    expect(events[1].data).toMatchObject({ addedReasons: ['stale-check-in'] });
  });

  it('publishes every risk event on okr.insights.v1, in order per key result', async () => {
    const consumer = insights.app.get<IntegrationEventConsumer>(INTEGRATION_EVENT_CONSUMER);
    const seen: IntegrationEvent[] = [];
    const collect = async (event: IntegrationEvent) => {
      seen.push(event);
    };
    const running = await consumer.start({
      group: 'test.insights-topic',
      topics: [TOPICS.insights.name],
      handlers: { KeyResultAtRisk: collect, KeyResultBackOnTrack: collect },
    });
    try {
      const stored = await riskEvents(keyResultId);
      await eventually(() => seen.filter((e) => e.streamId === insightStreamName(keyResultId)).length >= stored.length, 5000, 'risk events consumed');
      const ofKeyResult = seen.filter((e) => e.streamId === insightStreamName(keyResultId));
      expect(ofKeyResult.map((e) => [e.id, e.type, e.revision])).toEqual(stored.map((e) => [e.id, e.type, e.revision]));
      expect(ofKeyResult[0]).toMatchObject({ key: keyResultId, metadata: { tenantId: 'acme', actor: RISK_ACTOR } });
      expect(seen.every((e) => e.streamId.startsWith('insight-'))).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('five key results added 69% into a cycle are not at risk the day they are added (pace counts from their addition)', async () => {
    // 62 of 90 days are over; the objective was set and activated on the first day (imported with its times).
    const startedAt = Date.now() - 62 * DAY_MS;
    const late = await inGoals('POST', '/api/v1/cycles', {
      body: { name: 'Late additions', startsOn: isoDate(startedAt), endsOn: isoDate(Date.now() + 27 * DAY_MS), checkInCadenceDays: 7 },
    });
    expect(late.status).toBe(201);
    const asAdmin = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const at = (hours: number) => new Date(startedAt + hours * 3_600_000).toISOString();
    // The whole objective is imported (imports may not backdate events into a live stream).
    const created = await asAdmin('POST', '/api/v1/imports/goals', {
      body: { items: [{ at: at(0), request: { method: 'POST', path: '/api/v1/objectives', body: { cycleId: late.body.id, teamId: 'late', title: 'Late but serious' } } }] },
    });
    expect(created.status).toBe(200);
    const objectivePath = `/api/v1/objectives/${created.body.results[0].body.id}`;
    const imported = await asAdmin('POST', '/api/v1/imports/goals', {
      body: {
        items: [
          { at: at(1), request: { method: 'POST', path: `${objectivePath}/key-results`, body: { title: 'Signups', kind: 'increase', start: 0, target: 100 } } },
          { at: at(2), request: { method: 'POST', path: `${objectivePath}/activation` } },
        ],
      },
    });
    expect(imported.body.results.map((r: { status: number }) => r.status)).toEqual([201, 200]);
    const krIds: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const kr = await inGoals('POST', `${objectivePath}/key-results`, { body: { title: `Signups ${n}`, kind: 'increase', start: 0, target: 100 } });
      expect(kr.status).toBe(201);
      krIds.push(kr.body.id);
    }
    const summary = async () => (await insights.call('GET', `${objectivePath}/summary`)).body;
    await eventually(async () => (await summary()).keyResults?.length === 6, 5000, 'the summary with 6 key results');

    expect((await signals.assessObjective('acme', created.body.results[0].body.id)).skipped).toBeUndefined();
    // The first key result, 62 days without a check-in, is at risk; the five added today are not.
    const [first] = await eventuallyRiskEvents(imported.body.results[0].body.id, 1);
    expect(codes(first)).toEqual(['behind-pace', 'stale-check-in']);
    for (const krId of krIds) expect(await riskEvents(krId)).toEqual([]);
  });

  it('an NPS of 38 under its floor of 40 is at risk the day after the cycle starts, in words', async () => {
    const objective = await inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'support', title: 'Customers recommend us' } });
    const kr = await inGoals('POST', `/api/v1/objectives/${objective.body.id}/key-results`, {
      body: { title: 'NPS', kind: 'stay-at-or-above', threshold: 40 },
    });
    expect((await inGoals('POST', `/api/v1/objectives/${objective.body.id}/activation`)).status).toBe(200);
    await checkIn(kr.body.id, 38, 8);
    const [atRisk] = await eventuallyRiskEvents(kr.body.id, 1);
    expect(atRisk.data).toMatchObject({ reasons: [{ code: 'below-floor', message: 'NPS 38 is below its floor of 40.' }] });
  });
});
