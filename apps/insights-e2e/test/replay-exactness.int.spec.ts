import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { caller, createInsightsTestApp, eventually, instantBetween, startServiceApp, type Call, type InsightsTestApp } from '@okr/insights-app/testing';

/**
 * Replay exactness (issue 5, section 3): a scripted mini-quarter driven through the HTTP APIs in real
 * time; at several instants the LIVE views (objective summaries, learnings feed) are captured, and at the
 * end `GET /api/v1/replay?asOf=` for each instant must equal what was captured then.
 *
 * Compared, after mapping both sides to one shape (numbers rounded to 1e-9):
 *   objective id -> { status, progress, keyResults: key result id -> { target, value, confidence, progress } }
 *   learning id  -> { result, insight }
 * Both sides define these identically: key-result progress is `keyResultProgress(measure, latest value)`,
 * objective progress is `objectiveProgress` (the mean) over the non-dropped key results, "latest" is the
 * check-in with the latest `effectiveAt`, then `recordedAt`, corrections folded in. The summary has no
 * `target` field: it is read from its `measure` the way replay flattens it (`target ?? threshold`, null
 * for a milestone).
 *
 * Excluded, because they are not defined (or not shown) by both views:
 * - objective `confidence` (summary: the minimum over its key results; replay has none),
 *   `lastCheckInAt`, `grade`, `parentObjectiveIds` (summary only);
 * - dropped key results: the summary keeps them flagged `dropped: true`, replay leaves them out, so only
 *   non-dropped ones are compared (and that set must be equal);
 * - learnings' other fields (tags, evidence, acknowledgements: feed only; `keyResultIds` is compared).
 */

type Num = number | boolean | null;
interface KeyResultShape {
  target: Num;
  value: Num;
  confidence: Num;
  progress: Num;
}
interface ObjectiveShape {
  status: string;
  progress: Num;
  keyResults: Record<string, KeyResultShape>;
}
interface Shape {
  objectives: Record<string, ObjectiveShape>;
  learnings: Record<string, { result: string; insight: string; keyResultIds: string[] }>;
}

const round = (x: Num | undefined): Num => (typeof x === 'number' ? Math.round(x * 1e9) / 1e9 : (x ?? null));

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON under test */
const targetOfMeasure = (measure: any): Num => {
  if (measure === null || measure === undefined) return null;
  if (typeof measure.target === 'number') return measure.target;
  if (typeof measure.threshold === 'number') return measure.threshold;
  return null;
};

const fromSummary = (summary: any): ObjectiveShape => ({
  status: summary.status,
  progress: round(summary.progress),
  keyResults: Object.fromEntries(
    summary.keyResults
      .filter((kr: any) => !kr.dropped)
      .map((kr: any) => [
        kr.id,
        { target: round(targetOfMeasure(kr.measure)), value: round(kr.value), confidence: round(kr.confidence), progress: round(kr.progress) },
      ]),
  ),
});

const fromReplay = (body: any): Shape => ({
  objectives: Object.fromEntries(
    body.items.map((o: any) => [
      o.id,
      {
        status: o.status,
        progress: round(o.progress),
        keyResults: Object.fromEntries(
          o.keyResults.map((kr: any) => [
            kr.id,
            { target: round(kr.target), value: round(kr.value), confidence: round(kr.confidence), progress: round(kr.progress) },
          ]),
        ),
      },
    ]),
  ),
  learnings: Object.fromEntries(
    body.learnings.map((l: any) => [l.id, { result: l.result, insight: l.insight, keyResultIds: [...l.keyResultIds].sort() }]),
  ),
});

const learningsFromFeed = (body: any): Shape['learnings'] =>
  Object.fromEntries(body.items.map((l: any) => [l.id, { result: l.result, insight: l.insight, keyResultIds: [...l.keyResultIds].sort() }]));
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('replay exactness: replay?asOf= equals the live views captured at that instant', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  const captures: { label: string; at: string; live: Shape }[] = [];
  /** Last revision written per objective stream, per key result's check-in stream, per learning: what insights must have caught up with. */
  const objectiveRevision = new Map<string, number>();
  const checkInRevision = new Map<string, number>();
  const learningRevision = new Map<string, number>();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    insights = await createInsightsTestApp();
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const inCheckIns = caller(checkIns, await insights.token('acme', 'bob', ['admin']));

    const ok = (r: Call, status: number, what: string): Call => {
      if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    const goalsWrite = async (objectiveId: string, path: string, body: unknown, status = 201) => {
      const r = ok(await inGoals('POST', `/api/v1/objectives/${objectiveId}${path}`, { body }), status, path);
      objectiveRevision.set(objectiveId, r.body.revision);
      return r;
    };
    const setObjective = async (key: string, teamId: string, title: string) => {
      const r = ok(await inGoals('POST', '/api/v1/objectives', { body: { cycleId: ids.cycle, teamId, title } }), 201, `objective ${key}`);
      ids[key] = r.body.id;
      objectiveRevision.set(r.body.id, r.body.revision);
    };
    const addKeyResult = async (key: string, objectiveKey: string, body: Record<string, unknown>) => {
      const r = await goalsWrite(ids[objectiveKey], '/key-results', body);
      ids[key] = r.body.id;
    };
    /** The first check-in of a key result waits for check-ins to learn of it through the bus. */
    const checkIn = async (krKey: string, body: { value: number | boolean; confidence: number; effectiveAt: string }) => {
      const r = await eventually(async () => {
        const attempt = await inCheckIns('POST', `/api/v1/key-results/${ids[krKey]}/check-ins`, { body });
        return attempt.status !== 503 && attempt;
      }, 5000, `check-in on ${krKey} accepted`);
      ok(r, 201, `check-in on ${krKey}`);
      checkInRevision.set(ids[krKey], r.body.revision);
      return r.body.id as string;
    };
    const correct = async (checkInId: string, krKey: string, body: Record<string, unknown>) => {
      const r = ok(await inCheckIns('POST', `/api/v1/check-ins/${checkInId}/corrections`, { body }), 201, 'correction');
      checkInRevision.set(ids[krKey], r.body.revision);
    };
    const captureLearning = async (key: string, body: Record<string, unknown>) => {
      const r = ok(await inCheckIns('POST', '/api/v1/learnings', { body }), 201, `learning ${key}`);
      ids[key] = r.body.id;
      learningRevision.set(r.body.id, r.body.revision);
    };
    const reviseLearning = async (key: string, body: Record<string, unknown>) => {
      const r = ok(await inCheckIns('POST', `/api/v1/learnings/${ids[key]}/revisions`, { body }), 201, `revision of ${key}`);
      learningRevision.set(ids[key], r.body.revision);
    };

    /** Waits until insights reflects every write so far, then captures the live views and the instant. */
    const capture = async (label: string) => {
      const live: Shape = { objectives: {}, learnings: {} };
      await eventually(async () => {
        for (const [objectiveId, revision] of objectiveRevision) {
          const r = await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`);
          if (r.status !== 200 || r.body.revision !== revision) return false;
          for (const kr of r.body.keyResults) {
            if (kr.checkInRevision !== (checkInRevision.get(kr.id) ?? -1)) return false;
          }
          live.objectives[objectiveId] = fromSummary(r.body);
        }
        const feed = await insights.call('GET', '/api/v1/learnings');
        if (feed.status !== 200 || feed.body.items.length !== learningRevision.size) return false;
        for (const item of feed.body.items) if (item.revision !== learningRevision.get(item.id)) return false;
        live.learnings = learningsFromFeed(feed.body);
        return true;
      }, 5000, `insights caught up (${label})`);
      captures.push({ label, at: new Date().toISOString(), live });
      // Later writes get later timestamps than the captured instant.
      await instantBetween();
    };

    // Phase 1: two teams, a cycle, 3 objectives (O3 aligned to O1), key results of 5 kinds, first check-ins, activation.
    const cycle = ok(
      await inGoals('POST', '/api/v1/cycles', { body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } }),
      201,
      'cycle',
    );
    ids.cycle = cycle.body.id;
    await setObjective('o1', 'growth', 'New customers succeed in their first week');
    await setObjective('o2', 'payments', 'Checkout never gets in the way');
    await setObjective('o3', 'growth', 'Ship the guided onboarding');
    await goalsWrite(ids.o3, '/alignments', { parentObjectiveId: ids.o1 });
    await addKeyResult('k1', 'o1', { title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%' });
    await addKeyResult('k2', 'o1', { title: 'Support tickets per 100 sign-ups', kind: 'decrease', start: 10, target: 4 });
    await addKeyResult('k3', 'o2', { title: 'Checkout availability', kind: 'stay-at-or-above', threshold: 99, start: 95, unit: '%' });
    await addKeyResult('k5', 'o2', { title: 'Wallets supported', kind: 'increase', start: 0, target: 10 });
    await addKeyResult('k4', 'o3', { title: 'Guided onboarding live for everyone', kind: 'milestone' });
    await goalsWrite(ids.o1, '/activation', undefined, 200);
    await goalsWrite(ids.o2, '/activation', undefined, 200);
    const k1First = await checkIn('k1', { value: 30, confidence: 7, effectiveAt: '2026-10-05' });
    const k2First = await checkIn('k2', { value: 8, confidence: 6, effectiveAt: '2026-10-05' });
    await checkIn('k3', { value: 96, confidence: 8, effectiveAt: '2026-10-05' });
    await checkIn('k5', { value: 5, confidence: 5, effectiveAt: '2026-10-05' });
    await capture('T1 set up and first check-ins');

    // Phase 2: a target revision with a reason, a milestone check-in, an inconclusive learning, O3 activated.
    await goalsWrite(ids.o1, `/key-results/${ids.k1}/target-revisions`, { target: 35, reason: 'Seasonality: fewer sign-ups in December' });
    await checkIn('k4', { value: false, confidence: 5, effectiveAt: '2026-10-12' });
    await captureLearning('l1', {
      objectiveId: ids.o1,
      keyResultIds: [ids.k1],
      tried: 'A guided import on day one',
      result: 'inconclusive',
      insight: 'Too early to tell',
      tags: ['onboarding'],
    });
    await goalsWrite(ids.o3, '/activation', undefined, 200);
    await capture('T2 target revised');

    // Phase 3: confidence drops from 7 to 3; more check-ins; a key result dropped.
    await checkIn('k1', { value: 31, confidence: 3, effectiveAt: '2026-10-12' });
    const k2Second = await checkIn('k2', { value: 6, confidence: 7, effectiveAt: '2026-10-12' });
    await checkIn('k3', { value: 99.5, confidence: 9, effectiveAt: '2026-10-12' });
    await goalsWrite(ids.o2, `/key-results/${ids.k5}/drop`, { reason: 'Wallet partner pulled out' }, 200);
    await capture('T3 confidence dropped, key result dropped');

    // Phase 4: a correction with a reason, the learning invalidated, a second (validated) learning, the milestone reached.
    await correct(k2Second, 'k2', { value: 5, confidence: 6, reason: 'Counted tickets of the previous week' });
    await reviseLearning('l1', { result: 'invalidated', insight: 'Users stall at permissions, not at the import', reason: 'Interviews are in' });
    await captureLearning('l2', {
      objectiveId: ids.o2,
      tried: 'Retry failed card payments once',
      result: 'validated',
      insight: 'One retry recovers most soft declines',
    });
    await checkIn('k4', { value: true, confidence: 9, effectiveAt: '2026-10-19' });
    await capture('T4 corrected, learnings');

    // Phase 5: corrections of older check-ins; one moves its effectiveAt past the newest and so becomes the latest.
    await correct(k1First, 'k1', { value: 29, reason: 'Excluded test accounts' });
    await correct(k2First, 'k2', { value: 7, confidence: 4, effectiveAt: '2026-10-14', reason: 'Measured on the wrong week' });
    await capture('T5 older check-ins corrected');
  }, 60_000);

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  it('captured what the script did: the target before its revision and the confidence before its drop', () => {
    expect(captures).toHaveLength(5);
    expect(captures.map((c) => Object.keys(c.live.objectives).length)).toEqual([3, 3, 3, 3, 3]);
    expect(captures.map((c) => Object.keys(c.live.learnings).length)).toEqual([0, 1, 1, 2, 2]);
    const kr = (i: number, o: string, k: string) => captures[i].live.objectives[ids[o]].keyResults[ids[k]];
    expect(kr(0, 'o1', 'k1')).toEqual({ target: 40, value: 30, confidence: 7, progress: 0.5 });
    expect(kr(1, 'o1', 'k1')).toMatchObject({ target: 35, confidence: 7 });
    expect(kr(2, 'o1', 'k1')).toMatchObject({ target: 35, value: 31, confidence: 3 });
    expect(captures[1].live.objectives[ids.o2].keyResults).toHaveProperty(ids.k5);
    expect(captures[2].live.objectives[ids.o2].keyResults).not.toHaveProperty(ids.k5);
    expect(kr(3, 'o1', 'k2')).toMatchObject({ value: 5, confidence: 6 });
    expect(kr(4, 'o1', 'k2')).toMatchObject({ value: 7, confidence: 4 });
    expect(kr(3, 'o3', 'k4')).toEqual({ target: null, value: true, confidence: 9, progress: 1 });
    expect(captures[0].live.objectives[ids.o3].status).toBe('draft');
    expect(captures[1].live.objectives[ids.o3].status).toBe('active');
    expect(captures[2].live.learnings[ids.l1].result).toBe('inconclusive');
    expect(captures[3].live.learnings[ids.l1].result).toBe('invalidated');
    // Every capture differs from the next: a replay that ignored asOf could not equal them all.
    for (let i = 1; i < captures.length; i++) expect(captures[i].live).not.toEqual(captures[i - 1].live);
  });

  it.each([0, 1, 2, 3, 4])('replay?asOf= the instant of capture %i equals the live views then', async (i) => {
    const { at, live } = captures[i];
    // The replay answers from its own read model, which may still be applying the script's last events.
    const r = await eventually(async () => {
      const answer = await insights.call('GET', `/api/v1/replay?asOf=${encodeURIComponent(at)}`);
      return (answer.status !== 200 || JSON.stringify(fromReplay(answer.body)) === JSON.stringify(live)) && answer;
    }, 5000, `the replay of capture ${i}`).catch(() => insights.call('GET', `/api/v1/replay?asOf=${encodeURIComponent(at)}`));
    expect(r.status).toBe(200);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.asOf).toBe(at);
    expect(fromReplay(r.body)).toEqual(live);
  });
});
