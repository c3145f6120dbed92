import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GoalsModule } from '@okr/goals-app';
import { CheckInsModule } from '@okr/check-ins-app';
import { ERASED_PERSON } from '@okr/okr-domain';
import { READ_STORE, type ReadStore } from '@okr/read-store';
import { caller, createInsightsTestApp, eventually, everyGroupCaughtUp, startServiceApp, type InsightsTestApp } from '@okr/insights-app/testing';

/** What Dana (the person erased) put into the platform: her id and every text she wrote. */
const DANA = ['dana', 'Dana was on leave', 'A guided import on day one', 'Users stall at permissions', 'A permissions checklist', '7 of 10 admins', 'https://notes.example.com/42', 'What tells you it works by week 6?'];

const QUESTION = 'What tells you it works by week 6?';

/** `value` with each of Dana's strings replaced by "erased person": what every answer must read after her erasure. */
const erased = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && DANA.includes(v) ? ERASED_PERSON : v)));

/**
 * Insights' read models keep personal data sealed and open it when read: after an erasure in goals,
 * every insights answer that showed Dana reads "erased person" where she was, and nothing else of it
 * changes (numbers, dates, structure). Nothing of hers is readable in the read store, before or after.
 */
describe('an erasure reaches every read model of insights', () => {
  let insights: InsightsTestApp;
  let goals: NestFastifyApplication;
  let checkIns: NestFastifyApplication;
  let objectiveId: string;
  let keyResultId: string;
  let cycleId: string;
  let urls: string[];

  beforeAll(async () => {
    insights = await createInsightsTestApp(undefined, { OKR_KEY_CACHE_SECONDS: '1' });
    goals = await startServiceApp((config, logs) => GoalsModule.forRoot(config, logs), insights.dataDir);
    checkIns = await startServiceApp((config, logs) => CheckInsModule.forRoot(config, logs), insights.dataDir);
    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    const asDana = caller(checkIns, await insights.token('acme', 'dana', ['admin']));
    const asBob = caller(checkIns, await insights.token('acme', 'bob', ['admin']));
    const ok = async (call: Promise<{ status: number; body: any }>, status = 201) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
      const r = await call;
      if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    cycleId = (await ok(inGoals('POST', '/api/v1/cycles', { body: { name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 } }))).id;
    objectiveId = (await ok(inGoals('POST', '/api/v1/objectives', { body: { cycleId, teamId: 'growth', title: 'Trials convert', ownerId: 'dana' } }))).id;
    keyResultId = (await ok(inGoals('POST', `/api/v1/objectives/${objectiveId}/key-results`, { body: { title: 'Trial to paid', kind: 'increase', start: 10, target: 30, unit: '%', ownerId: 'dana' } }))).id;
    await ok(inGoals('POST', `/api/v1/objectives/${objectiveId}/activation`), 200);
    await eventually(async () => {
      const r = await asDana('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 18, confidence: 3, note: 'Dana was on leave', effectiveAt: '2026-10-12' } });
      return r.status !== 503 && (await ok(Promise.resolve(r)));
    }, 10_000, 'the check-in accepted once check-ins knows the key result');
    const learning = await ok(
      asDana('POST', '/api/v1/learnings', {
        body: {
          objectiveId,
          keyResultIds: [keyResultId],
          tried: 'A guided import on day one',
          result: 'invalidated',
          insight: 'Users stall at permissions',
          nextStep: 'A permissions checklist',
          evidence: [{ kind: 'customer-interview', summary: '7 of 10 admins', link: 'https://notes.example.com/42' }],
          tags: ['onboarding'],
        },
      }),
    );
    await ok(asBob('POST', `/api/v1/learnings/${learning.id}/acknowledgements`, { body: { note: 'Read it, Bob' } }));
    await ok(asDana('POST', `/api/v1/objectives/${objectiveId}/questions`, { body: { text: QUESTION } }));
    await eventually(async () => {
      const feed = (await insights.call('GET', '/api/v1/learnings')).body;
      const summary = (await insights.call('GET', `/api/v1/objectives/${objectiveId}/summary`)).body;
      const risk = (await insights.call('GET', `/api/v1/key-results/${keyResultId}/risk`)).body;
      return feed?.items?.[0]?.acknowledgementCount === 1 && summary?.openQuestions === 1 && summary?.keyResults?.[0]?.value === 18 && risk?.atRisk === true;
    }, 20_000, 'insights to have applied every event');
    // Every other read model too (the replay's versions are a group of their own).
    await everyGroupCaughtUp(insights);
    const now = encodeURIComponent(new Date().toISOString());
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    urls = [
      `/api/v1/objectives/${objectiveId}/summary`,
      '/api/v1/teams/growth/dashboard',
      '/api/v1/learnings',
      '/api/v1/at-risk',
      `/api/v1/key-results/${keyResultId}/series`,
      `/api/v1/key-results/${keyResultId}/risk`,
      '/api/v1/alignment-tree',
      `/api/v1/replay?asOf=${now}`,
      `/api/v1/frames?cycleId=${cycleId}&step=day&from=${today}&to=${tomorrow}`,
    ];
  }, 120_000);

  afterAll(async () => {
    await checkIns?.close();
    await goals?.close();
    await insights?.close(true);
  });

  /** Every document of every collection of insights' read store, and the store's file, as text. */
  const storedText = async (): Promise<string> => {
    const store = insights.app.get<ReadStore>(READ_STORE);
    const documents: unknown[] = [];
    for (const name of await store.listCollections()) documents.push(name, await (await store.collection({ name })).find({}));
    const files = readdirSync(insights.dataDir).filter((file) => file.startsWith('insights.read.sqlite'));
    return JSON.stringify(documents) + files.map((file) => readFileSync(join(insights.dataDir, file)).toString('latin1')).join('');
  };

  it("keeps none of Dana's data readable in the read store", async () => {
    const stored = await storedText();
    expect(stored).toContain('Trials convert'); // the documents are there, with what is not personal
    for (const secret of [...DANA.slice(1), 'Read it, Bob']) expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/"dana"|"bob"/);
  });

  it('reads "erased person" where Dana was in every answer after her erasure, every other fact unchanged', async () => {
    const read = async () => Promise.all(urls.map(async (url) => {
      const r = await insights.call('GET', url);
      expect(r.status).toBe(200);
      return r.body;
    }));
    const before = await read();
    const shown = JSON.stringify(before);
    for (const value of ['"dana"', 'A guided import on day one', 'Users stall at permissions', QUESTION, 'Read it, Bob', '"bob"']) expect(shown).toContain(value);
    const [summary, dashboard, feed, atRisk] = before;
    expect(summary).toMatchObject({ ownerId: 'dana', keyResults: [{ ownerId: 'dana', value: 18, confidence: 3 }] });
    expect(dashboard.openQuestions).toEqual([expect.objectContaining({ text: QUESTION, askedBy: 'dana' })]);
    expect(feed.items[0]).toMatchObject({ author: 'dana', tried: 'A guided import on day one', acknowledgements: [{ by: 'bob', note: 'Read it, Bob' }] });
    expect(atRisk.items).toEqual([expect.objectContaining({ ownerId: 'dana', keyResultOwnerId: 'dana' })]);
    expect(JSON.stringify(before[urls.findIndex((url) => url.endsWith('/risk'))])).toContain('"dana"'); // the risk events name the owners

    const inGoals = caller(goals, await insights.token('acme', 'alice', ['admin']));
    expect((await inGoals('POST', '/api/v1/admin/people/dana/erasure', { body: { reason: 'Asked to be forgotten' } })).status).toBe(201);

    // Insights keeps the keys it opened for OKR_KEY_CACHE_SECONDS (1 s here).
    await eventually(async () => (await insights.call('GET', urls[0])).body?.ownerId === ERASED_PERSON, 10_000, 'the erasure reaching insights');
    const after = await read();
    after.forEach((answer, index) => expect({ url: urls[index], answer }).toEqual({ url: urls[index], answer: erased(before[index]) }));
    expect(JSON.stringify(after)).toContain('Read it, Bob'); // Bob's words stay his
    expect(await storedText()).not.toContain(ERASED_PERSON); // nothing was rewritten: the documents are as they were
  });

  it('rebuilds a read model from the log with its personal data sealed too', async () => {
    const tenantAdmin = await insights.token('acme', 'alice', ['admin']);
    const rebuilt: string[] = [];
    for (const readModel of ['learnings-feed-v2', 'objective-summary-v2', 'questions-v2']) {
      const started = await insights.call('POST', '/api/v1/admin/rebuilds', { body: { readModel }, token: tenantAdmin });
      expect(started.status).toBe(202);
      const done = await eventually(async () => {
        const r = await insights.call('GET', `/api/v1/admin/rebuilds/${started.body.id}`, { token: tenantAdmin });
        return r.body.status !== 'running' && r.body;
      }, 30_000, `the rebuild of ${readModel}`);
      rebuilt.push(done.status);
    }
    expect(rebuilt).toEqual(['switched', 'switched', 'switched']);
    const stored = await storedText();
    expect(stored).toContain('Trials convert');
    // Bob was not erased: a rebuild from the opened log would have written his words in clear.
    for (const secret of ['Read it, Bob', ERASED_PERSON]) expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/"dana"|"bob"/);
    expect((await insights.call('GET', '/api/v1/learnings')).body.items[0].acknowledgements).toEqual([expect.objectContaining({ by: 'bob', note: 'Read it, Bob' })]);
  });
});
