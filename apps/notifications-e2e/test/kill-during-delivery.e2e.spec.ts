import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpReceiver, type HttpReceiver, type Reply } from '@okr/notifications-app/testing';
import { cliToken, startService, type RunningService } from '@okr/platform/testing';

jest.setTimeout(90_000);

const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The notifications service as an OS process, killed with SIGKILL while webhook requests are in
 * flight and while it is consuming: after a restart every notification is delivered, each with ONE
 * delivery id however many times it was attempted, and the delivery log has exactly one entry per
 * (rule, trigger, recipient, channel).
 */
describe('notifications service process: SIGKILL during delivery (e2e)', () => {
  let dataDir: string;
  let token: string;
  let goals: RunningService | undefined;
  let notifications: RunningService | undefined;
  let receiver: HttpReceiver;

  const env = () => ({
    OKR_DATA_DIR: dataDir,
    OKR_DELIVERY_LEASE_SECONDS: '3',
    OKR_WEBHOOK_TIMEOUT_MS: '2000',
    OKR_DELIVERY_RETRY_INITIAL_MS: '50',
    OKR_DELIVERY_RETRY_MAX_MS: '200',
    OKR_DISPATCH_INTERVAL_MS: '100',
  });
  const call = async (service: RunningService | undefined, method: string, path: string, body?: unknown) => {
    if (!service) throw new Error('service not running');
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const until = async <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'okr-notifications-e2e-'));
    token = cliToken(dataDir, ['--tenant', 'acme', '--user', 'alice', '--roles', 'admin']);
    receiver = await startHttpReceiver();
    goals = await startService('goals', { OKR_DATA_DIR: dataDir });
    notifications = await startService('notifications', env());
  });

  afterAll(async () => {
    await notifications?.stop('SIGKILL');
    await goals?.stop('SIGKILL');
    await receiver?.close();
  });

  it('every notification is delivered with one id, and recorded once, across two SIGKILLs', async () => {
    const hook = await call(notifications, 'POST', '/api/v1/webhooks', { url: `${receiver.origin}/okr`, rules: ['objective-graded'] });
    expect(hook.status).toBe(201);
    // The receiver holds every request open: deliveries stay in flight until the process dies.
    const answer: { current: Reply | 'hang' } = { current: 'hang' };
    receiver.respond(() => answer.current);

    const cycle = await call(goals, 'POST', '/api/v1/cycles', { name: 'Now', startsOn: isoDay(-1), endsOn: isoDay(80), checkInCadenceDays: 7 });
    const objectives: string[] = [];
    const keyResults = new Map<string, string>();
    for (let i = 0; i < 6; i += 1) {
      const objective = await call(goals, 'POST', '/api/v1/objectives', { cycleId: cycle.body.id, teamId: 'growth', title: `Objective ${i}` });
      const kr = await call(goals, 'POST', `/api/v1/objectives/${objective.body.id}/key-results`, { title: 'Ship it', kind: 'milestone' });
      expect((await call(goals, 'POST', `/api/v1/objectives/${objective.body.id}/activation`)).status).toBe(200);
      objectives.push(objective.body.id);
      keyResults.set(objective.body.id, kr.body.id);
      expect(kr.status).toBe(201);
    }
    const grade = (id: string) => call(goals, 'POST', `/api/v1/objectives/${id}/grading`, {
        keyResultGrades: [{ keyResultId: keyResults.get(id), grade: 1 }],
        retrospective: 'done',
      });
    for (const id of objectives.slice(0, 3)) expect((await grade(id)).status).toBe(200);

    // Kill #1: while the first webhook requests hang.
    await until(async () => receiver.requests.length >= 1, 'a webhook request in flight');
    await notifications?.stop('SIGKILL');
    // Events keep coming while it is down; they are consumed after the restart.
    for (const id of objectives.slice(3)) expect((await grade(id)).status).toBe(200);
    notifications = await startService('notifications', env());

    // Kill #2: right after the restart, while it catches up and sends again.
    await until(async () => receiver.requests.length >= 4, 'more requests in flight');
    await notifications.stop('SIGKILL');
    answer.current = { status: 200 };
    notifications = await startService('notifications', env());

    const log = await until(async () => {
      const r = await call(notifications, 'GET', '/api/v1/deliveries?rule=objective-graded&channel=webhook&limit=200');
      const items = r.body.items as { id: string; status: string; triggeredBy: string; attempts: number }[];
      return items.length === 6 && items.every((d) => d.status === 'delivered') && items;
    }, 'six webhook deliveries delivered', 45_000);

    // One delivery per grading event in the log, and in the receiver's eyes one id per notification.
    expect(new Set(log.map((d) => d.triggeredBy)).size).toBe(6);
    const ids = new Set(receiver.requests.map((r) => String(r.headers['x-okr-delivery'])));
    expect(ids).toEqual(new Set(log.map((d) => d.id)));
    // In-app notifications of the owner: exactly one per graded objective.
    const inApp = await call(notifications, 'GET', '/api/v1/deliveries?rule=objective-graded&channel=in-app&limit=200');
    expect(inApp.body.items).toHaveLength(6);
    // Every request, first try or repeat after a kill, carried the id of its delivery in the body too.
    for (const request of receiver.requests) expect(JSON.parse(request.body).id).toBe(request.headers['x-okr-delivery']);
  });
});
