import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { INSIGHTS_READ_MODELS, writeQuarterLog, type QuarterLog } from '@okr/insights-app/testing';
import { issueEmbeddedToken } from '@okr/platform';
import { startService, type RunningService } from '@okr/platform/testing';
import {
  checkInsCheckpoints,
  differences,
  get,
  insightsEnv,
  readModelDocuments,
  readModelLag,
  terminate,
  until,
  type Answer,
} from './support/insights-process';

/**
 * Large enough that catching it up takes insights many event-loop turns on any machine here (tens of
 * seconds at the catch-up rates measured in the README); what the test waits for is progress, not time.
 * 16,000 rather than more: the test catches the log up three times, and CI runs it on 2 busy cores.
 */
const EVENTS = 16_000;
/** Jest's limit only catches a hang: three catch-ups of the log on a loaded 2-core machine take minutes. */
const HANG_GUARD_MS = 1_800_000;
const TENANT = 'acme';
/** Rounds of requests answered while the service said it was catching up, and with progress between them. */
const ROUNDS = 3;

const statusOf = (answer: Answer): number | 'refused' => (answer === 'refused' ? 'refused' : answer.status);

/** insights as an OS process (`node dist/apps/insights/src/main.js`, as `npm start` runs it) on `dataDir`, not waiting for ready. */
const startInsights = (dataDir: string): Promise<RunningService> => startService('insights', insightsEnv(dataDir), 20_000, { untilReady: false });

/** Waits (on the service's own lag metric) until every read model's group has handled the whole log. */
const caughtUp = (service: RunningService): Promise<true> =>
  until(service, 'its read models caught up', async () => {
    const answer = await get(`${service.url}/metrics`);
    if (answer === 'refused' || answer.status !== 200) return undefined;
    const { lag, series } = await readModelLag(service.url);
    return series === INSIGHTS_READ_MODELS.length * 2 && lag === 0 ? true : undefined;
  });

describe('insights serves while its read models catch up a large log, and stops on SIGTERM', () => {
  let dataDir: string;
  let copyDir: string;
  let log: QuarterLog;
  let token: string;
  const started: RunningService[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'okr-insights-serving-'));
    copyDir = mkdtempSync(join(tmpdir(), 'okr-insights-serving-copy-'));
    const store = SqliteEventStore.open({ file: join(dataDir, 'events.sqlite'), synchronous: 'NORMAL' });
    try {
      log = await writeQuarterLog(store, { total: EVENTS, tenantId: TENANT });
    } finally {
      await store.close();
    }
    // The copy a fresh insights builds its read models from, before any process touched the log.
    mkdirSync(copyDir, { recursive: true });
    copyFileSync(join(dataDir, 'events.sqlite'), join(copyDir, 'events.sqlite'));
    token = await issueEmbeddedToken({ dataDir, tenant: TENANT, user: 'alice', roles: ['admin'] });
  });

  afterAll(async () => {
    for (const service of started) if (service.process.exitCode === null && service.process.signalCode === null) await service.stop('SIGKILL');
    for (const dir of [dataDir, copyDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers /health/live and the API mid catch-up, exits on SIGTERM, and once restarted applies every event exactly once', async () => {
    const first = await startInsights(dataDir);
    started.push(first);
    const dashboard = `${first.url}/api/v1/teams/team-0/dashboard?cycleId=${log.cycleId}`;

    // Up to its first answer the port may still be closed (Nest starting); from then on it never is.
    await until(first, 'its first /health/live answer', async () => ((await get(`${first.url}/health/live`)) === 'refused' ? undefined : true));

    // Rounds of a probe and an API read, each followed by /health/ready still saying "catching up" (so
    // the answers came while it caught up), until the lag it reports fell between rounds.
    const lags: number[] = [];
    const answers: Array<{ live: number | 'refused'; api: number | 'refused' }> = [];
    for (;;) {
      const live = await get(`${first.url}/health/live`);
      const api = await get(dashboard, token);
      const { lag, series } = await readModelLag(first.url);
      const ready = await get(`${first.url}/health/ready`);
      const catchingUp = ready !== 'refused' && ready.status === 503 && ready.text.includes('catching up');
      if (!catchingUp && ready !== 'refused' && ready.status === 200) {
        throw new Error(`insights was ready before ${ROUNDS} rounds of requests were answered during its catch-up (rounds: ${answers.length}): raise EVENTS, or the catch-up blocks the event loop`);
      }
      if (!catchingUp || series < INSIGHTS_READ_MODELS.length * 2) continue;
      answers.push({ live: statusOf(live), api: statusOf(api) });
      lags.push(lag);
      if (answers.length >= ROUNDS && lags[lags.length - 1] < lags[0]) break;
    }
    for (const answer of answers) {
      expect(answer.live).toBe(200);
      // 200 with what the read models hold so far; 503 (with Retry-After) is the documented "catching up".
      expect([200, 503]).toContain(answer.api);
    }
    expect(lags[lags.length - 1]).toBeLessThan(lags[0]);

    // SIGTERM mid catch-up: the process ends on its own.
    const exit = await terminate(first);
    expect(exit.hung).toBe(false);
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    const atStop = checkInsCheckpoints(dataDir);
    expect(atStop.groups < INSIGHTS_READ_MODELS.length || atStop.lowest < log.head).toBe(true);

    // Restarted, it finishes from where each read model stopped; beside it, the reference: a fresh
    // insights on the copy of the log, catching up from zero without interruption.
    const [second, fresh] = await Promise.all([startInsights(dataDir), startInsights(copyDir)]);
    started.push(second, fresh);
    await Promise.all([caughtUp(second), caughtUp(fresh)]);
    expect((await terminate(second)).hung).toBe(false);
    expect((await terminate(fresh)).hung).toBe(false);

    const resumed = readModelDocuments(dataDir);
    const reference = readModelDocuments(copyDir);
    expect(differences(resumed, reference)).toEqual([]);

    // Exactly once, said in the log's terms: 13 weekly check-ins of 0, 7, ..., 84 on every key result.
    const series = INSIGHTS_READ_MODELS.find((model) => model.name.startsWith('key-result-series'))?.name as string;
    const perKeyResult = new Map<string, { count: number; sum: number }>();
    for (const text of resumed.get(series)?.values() ?? []) {
      const doc = JSON.parse(text) as { docType: string; keyResultId: string; value: number };
      if (doc.docType !== 'point') continue;
      const totals = perKeyResult.get(doc.keyResultId) ?? { count: 0, sum: 0 };
      perKeyResult.set(doc.keyResultId, { count: totals.count + 1, sum: totals.sum + doc.value });
    }
    expect(perKeyResult.size).toBe(log.keyResults.length);
    const expected = { count: log.weeks, sum: Array.from({ length: log.weeks }, (_, week) => week * 7).reduce((a, b) => a + b, 0) };
    expect([...perKeyResult.values()].filter((totals) => totals.count !== expected.count || totals.sum !== expected.sum)).toEqual([]);
  }, HANG_GUARD_MS);
});
