import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, startKafkaMock, type KafkaTestCluster } from '@okr/messaging/testing';
import { cliToken, startService, type RunningService } from '@okr/platform/testing';
import { startHttpReceiver, verifyWebhookSignature, type HttpReceiver } from '@okr/notifications-app/testing';

// Budget per attempt: about 65 s of it go to starting the consumers (see the describe's comment).
jest.setTimeout(150_000);
// Kafka group rebalances on a loaded 2-core machine are slow and timing-dependent: one retry, with the
// first failure logged, keeps an environmental stall from failing CI while a real fault fails twice.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

interface Delivery {
  id: string;
  rule: string;
  channel: string;
  recipient: string;
  status: string;
  keyResultId?: string;
}

/**
 * The at-risk notification end to end in production bus mode: goals, check-ins, insights and
 * notifications as OS processes with `OKR_BUS=kafka` against librdkafka's mock cluster. Goals relays
 * to okr.goals.v1, check-ins consumes it and relays check-ins to okr.checkins.v1, insights consumes
 * both and publishes KeyResultAtRisk on okr.insights.v1, notifications consumes all three and calls a
 * signed webhook once.
 *
 * Slow to start: a service with a new view resets each of its consumer groups to the start before it
 * listens (a throwaway member joins, 3 s, and leaves after kafkajs' 5 s fetch wait), and then joins
 * for real. The mock, unlike a broker, puts a group its last member left into a rebalance that lasts
 * the session timeout (kafkajs' 30 s default; the services set none), so that join takes ~29 s.
 * Insights resets four groups one after the other: ~61 s before /health/ready answers. Each hop of
 * the flow then waits up to 5 s for a fetch on the mock (~6 s from check-in to webhook).
 */
describe('at-risk webhook through Kafka (e2e, kcat mock, four service processes)', () => {
  let cluster: KafkaTestCluster;
  let dataDir: string;
  let token: string;
  let receiver: HttpReceiver;
  const services: Partial<Record<'goals' | 'checkIns' | 'insights' | 'notifications', RunningService>> = {};

  const kafkaEnv = () => ({
    OKR_DATA_DIR: dataDir,
    OKR_BUS: 'kafka',
    KAFKA_BROKERS: cluster.brokers.join(','),
    KAFKA_IDEMPOTENT: 'false',
    // The mock holds a group's next join for the session timeout after its last member left (each
    // service resets its groups to the start on a new view): short timeouts keep the start short.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    KAFKA_MAX_WAIT_MS: '500',
  });
  const running = (name: keyof typeof services): RunningService => {
    const service = services[name];
    if (!service) throw new Error(`${name} is not running`);
    return service;
  };
  const call = async (name: keyof typeof services, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running(name).url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  /** Polls until `probe` returns a value; on timeout the error carries the services' output. */
  const until = async <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) {
        const logs = Object.entries(services)
          .map(([name, service]) => `--- ${name}\n${service?.output().slice(-4000) ?? ''}`)
          .join('\n');
        throw new Error(`${what} not reached within ${timeoutMs} ms\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Starts the services at once, keeping every one that started, so that none outlives a failed start. */
  const startAll = async (starts: Record<string, () => Promise<RunningService>>): Promise<void> => {
    const names = Object.keys(starts) as (keyof typeof services)[];
    const results = await Promise.allSettled(names.map((name) => starts[name]()));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') services[names[i]] = result.value;
    });
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  };

  // Every topic of TOPICS and its .dlq, okr.insights.v1 included: the services never create topics.
  beforeAll(async () => (cluster = await startKafkaMock({ topics: ALL_TOPICS })));
  afterAll(() => cluster?.stop());
  // Per attempt (jest.retryTimes): a new data folder and receiver, and every process killed after it.
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'okr-notifications-kafka-'));
    receiver = await startHttpReceiver();
  });
  afterEach(async () => {
    const all = Object.values(services);
    for (const name of Object.keys(services) as (keyof typeof services)[]) delete services[name];
    await Promise.allSettled(all.map((service) => service?.stop('SIGKILL')));
    await receiver?.close();
  });

  it('a low-confidence check-in reaches the tenant webhook once, signed, and the delivery log says delivered', async () => {
    token = cliToken(dataDir, ['--tenant', 'acme', '--user', 'alice', '--roles', 'admin', '--teams', 'growth']);
    // Goals first (it creates the shared data folder's files), then the consumers. Each of those resets
    // its groups to the start (a new view) and joins them before it listens: tens of seconds on the mock.
    const started = Date.now();
    services.goals = await startService('goals', kafkaEnv());
    await startAll({
      checkIns: () => startService('check-ins', kafkaEnv(), 100_000),
      insights: () => startService('insights', kafkaEnv(), 100_000),
      notifications: () => startService('notifications', { ...kafkaEnv(), OKR_DISPATCH_INTERVAL_MS: '100' }, 100_000),
    });
    const ready = Date.now();

    const hook = await call('notifications', 'POST', '/api/v1/webhooks', { url: `${receiver.origin}/okr` });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;
    expect(hook.body.id).toEqual(expect.any(String));

    const cycle = await call('goals', 'POST', '/api/v1/cycles', { name: 'Now', startsOn: isoDay(-1), endsOn: isoDay(89), checkInCadenceDays: 7 });
    expect(cycle.status).toBe(201);
    const objective = await call('goals', 'POST', '/api/v1/objectives', { cycleId: cycle.body.id, teamId: 'growth', title: 'Grow through Kafka' });
    expect(objective.status).toBe(201);
    const keyResult = await call('goals', 'POST', `/api/v1/objectives/${objective.body.id}/key-results`, {
      title: 'Week-1 activation',
      kind: 'increase',
      start: 20,
      target: 40,
      ownerId: 'bob',
    });
    expect(keyResult.status).toBe(201);
    const krId = keyResult.body.id as string;
    expect((await call('goals', 'POST', `/api/v1/objectives/${objective.body.id}/activation`, {})).status).toBe(200);

    // Check-ins learns the key result from okr.goals.v1: 503 (retry) until its view has it.
    const checkIn = await until(
      async () => {
        const r = await call('checkIns', 'POST', `/api/v1/key-results/${krId}/check-ins`, { value: 22, confidence: 3, effectiveAt: isoDay(0) });
        if (r.status === 503) return undefined;
        expect(r.status).toBe(201);
        return r;
      },
      'check-ins knowing the key result',
      30_000,
    );
    expect(checkIn.body.id).toEqual(expect.any(String));

    const atRisk = () => receiver.requests.filter((r) => r.headers['x-okr-event'] === 'at-risk');
    await until(async () => atRisk().length >= 1, 'an at-risk webhook request', 30_000);
    const deliveries = await until(
      async () => {
        const r = await call('notifications', 'GET', '/api/v1/deliveries?rule=at-risk');
        const items = (r.body?.items ?? []) as Delivery[];
        const webhook = items.filter((d) => d.channel === 'webhook');
        return webhook.length > 0 && webhook.every((d) => d.status === 'delivered') && webhook;
      },
      'the at-risk webhook delivery recorded as delivered',
      15_000,
    );

    // A moment more: a duplicate (a redelivered event, a second assessment) would arrive now.
    await new Promise((r) => setTimeout(r, 3000));
    const requests = atRisk();
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(
      verifyWebhookSignature({
        secret,
        timestamp: String(request.headers['x-okr-timestamp']),
        body: request.body,
        signature: String(request.headers['x-okr-signature']),
      }),
    ).toBe(true);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ rule: 'at-risk', tenantId: 'acme', keyResultId: krId, objectiveId: objective.body.id });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ id: body.id, status: 'delivered', recipient: `webhook:${hook.body.id}` });
    expect(request.headers['x-okr-delivery']).toBe(body.id);
    console.info(`Kafka e2e: services ready in ${ready - started} ms, check-in to delivered webhook and checks in ${Date.now() - ready} ms`);
  });
});
