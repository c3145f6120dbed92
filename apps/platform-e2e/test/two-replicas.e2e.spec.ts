import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { TOPICS } from '@okr/messaging';
import { NOTIFICATIONS_COLLECTIONS } from '@okr/notifications-app/testing';
import { ALL_TOPICS, startKafkaMock, type KafkaTestCluster } from '@okr/messaging/testing';
import { cliToken, startService, type RunningService } from '@okr/platform/testing';
import { copyLogOnly, followedGroups, readModelContents } from './support/read-model-files';
import { Client, ReplicaPair, type ServiceName } from './support/replica-set';
import { startWebhookCounter, type WebhookCounter } from './support/webhook-counter';

/**
 * Two replicas of every service as OS processes, the bus on librdkafka's mock cluster, the stores on
 * ONE data folder (the SQLite event store and the embedded read store, both shared by processes),
 * under a workload of writes with SIGKILLs and restarts of single replicas. Proves:
 * (a) no request answered 404 for something a replica of that service had answered before;
 * (b) every read model equals the one a single fresh replica builds from the same log;
 * (c) every notification reaches the tenant's webhook once (by delivery id).
 * Every wait is for progress or an event; Jest's limit only catches a hang.
 */
const SERVICES: readonly ServiceName[] = ['goals', 'check-ins', 'insights', 'notifications'];
const TOPIC_NAMES: string[] = [TOPICS.goals.name, TOPICS.checkIns.name, TOPICS.insights.name];
const OBJECTIVES = 3;
const KEY_RESULTS = 2;

const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two replicas of every service, Kafka (mock), one data folder, kills and restarts (e2e)', () => {
  let cluster: KafkaTestCluster;
  let admin: Admin;
  let dataDir: string;
  let freshDir: string;
  let webhook: WebhookCounter;
  let pairs: Record<ServiceName, ReplicaPair>;
  const fresh: RunningService[] = [];

  const env = (folder: () => string) => () => ({
    OKR_DATA_DIR: folder(),
    OKR_BUS: 'kafka',
    KAFKA_BROKERS: cluster.brokers.join(','),
    KAFKA_IDEMPOTENT: 'false',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    KAFKA_MAX_WAIT_MS: '500',
    OKR_DISPATCH_INTERVAL_MS: '100',
    OKR_DELIVERY_LEASE_SECONDS: '3',
    OKR_WEBHOOK_TIMEOUT_MS: '2000',
    OKR_DELIVERY_RETRY_INITIAL_MS: '50',
    OKR_DELIVERY_RETRY_MAX_MS: '500',
  });

  /** Whether every group the stores of `folder` follow has handled every record of the topics it reads. */
  const caughtUp = async (folder: string): Promise<boolean> => {
    const groups = followedGroups(folder);
    if (groups.length === 0) return false;
    const heads = new Map(await Promise.all(TOPIC_NAMES.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)));
    for (const group of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics: TOPIC_NAMES })) {
        // A topic the group does not read: nothing committed on any partition.
        if (partitions.every((p) => p.offset === '-1')) continue;
        const committed = new Map(partitions.map((p) => [p.partition, BigInt(p.offset)]));
        for (const { partition, low, high } of heads.get(topic) ?? []) {
          const at = committed.get(partition) ?? -1n;
          if (at < 0n ? BigInt(low) < BigInt(high) : at < BigInt(high)) return false;
        }
      }
    }
    return true;
  };

  /** Polls `probe` until it holds (progress, never a deadline: a stall is caught by Jest's hang guard). */
  const until = async (probe: () => Promise<boolean> | boolean): Promise<void> => {
    while (!(await probe())) await pause(250);
  };

  beforeAll(async () => {
    cluster = await startKafkaMock({ topics: ALL_TOPICS });
    admin = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'okr-two-replicas-'));
    freshDir = `${dataDir}-fresh`;
    webhook = await startWebhookCounter();
    pairs = Object.fromEntries(SERVICES.map((service) => [service, new ReplicaPair(service, env(() => dataDir))])) as Record<ServiceName, ReplicaPair>;
  });

  afterAll(async () => {
    await Promise.allSettled([...Object.values(pairs ?? {}).map((pair) => pair.stopAll('SIGKILL')), ...fresh.map((service) => service.stop('SIGKILL'))]);
    await webhook?.close();
    await admin?.disconnect();
    await cluster?.stop();
    for (const folder of [dataDir, freshDir]) if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('answers every known resource on every replica, builds the read models a fresh replica builds, and delivers each notification once', async () => {
    const tokens = Object.fromEntries(
      ['alice', 'bob'].map((user) => [user, cliToken(dataDir, ['--tenant', 'acme', '--user', user, '--roles', user === 'alice' ? 'admin' : 'member', '--teams', 'growth'])]),
    );
    // Goals first: it creates the data folder's stores; then the others, each pair one replica after the other.
    const began = Date.now();
    const phase = (what: string) => console.info(`two replicas: ${what} after ${Math.round((Date.now() - began) / 1000)} s`);
    // Goals first (it creates the data folder's stores), then the others' first replicas; each second
    // replica starts while its first one serves, as in a rollout.
    const wave = async (starts: Promise<void>[]) => {
      for (const start of await Promise.allSettled(starts)) if (start.status === 'rejected') throw start.reason;
    };
    await pairs.goals.start(0);
    await wave(SERVICES.map((service) => pairs[service].start(service === 'goals' ? 1 : 0)));
    await wave(SERVICES.filter((service) => service !== 'goals').map((service) => pairs[service].start(1)));
    phase('every replica up');
    const client = new Client(pairs, tokens);
    const kills: number[] = [];
    const kill = async (service: ServiceName, index: number) => {
      kills.push(webhook.mark());
      await pairs[service].killAndRestart(index);
    };

    const hook = await client.call('notifications', 'POST', '/webhooks', { body: { url: webhook.url } });
    expect(hook.status).toBe(201);
    const cycle = await client.call('goals', 'POST', '/cycles', { body: { name: 'Now', startsOn: isoDay(-1), endsOn: isoDay(89), checkInCadenceDays: 7 } });
    expect(cycle.status).toBe(201);

    const learnings: string[] = [];
    const keyResults: string[] = [];
    for (let o = 0; o < OBJECTIVES; o++) {
      const objective = await client.call('goals', 'POST', '/objectives', { body: { cycleId: cycle.body.id, teamId: 'growth', title: `Objective ${o}`, ownerId: 'carol' } });
      expect(objective.status).toBe(201);
      const objectiveId = objective.body.id as string;
      const krs: string[] = [];
      for (let k = 0; k < KEY_RESULTS; k++) {
        const kr = await client.call('goals', 'POST', `/objectives/${objectiveId}/key-results`, { body: { title: `KR ${o}.${k}`, kind: 'increase', start: 0, target: 10, ownerId: 'bob' } });
        expect(kr.status).toBe(201);
        krs.push(kr.body.id as string);
      }
      expect((await client.call('goals', 'POST', `/objectives/${objectiveId}/activation`, { body: {} })).status).toBe(200);
      // Goals reads the stream: both replicas know the objective at once.
      for (let i = 0; i < 2; i++) expect((await client.call('goals', 'GET', `/objectives/${objectiveId}`, { known: `objective ${objectiveId}` })).status).toBe(200);
      if (o === 0) {
        await kill('goals', 0);
        await kill('notifications', 0);
      }

      // Bob follows the objective: notifications learns it from the bus.
      const follow = await client.untilKnown('notifications', 'POST', '/follows', { body: { kind: 'objective', targetId: objectiveId }, as: 'bob', known: `objective ${objectiveId}` });
      expect(follow.status).toBeLessThan(300);

      for (const krId of krs) {
        // Confidence 8 then 3: a drop, which notifies the key result's owner (and the webhook).
        for (const [confidence, value] of [[8, 2], [3, 3]] as const) {
          const checkIn = await client.untilKnown('check-ins', 'POST', `/key-results/${krId}/check-ins`, { body: { value, confidence, effectiveAt: isoDay(0) }, known: `key result ${krId}` });
          expect(checkIn.status).toBe(201);
        }
        keyResults.push(krId);
      }
      if (o === 1) {
        await kill('check-ins', 1);
        await kill('insights', 0);
      }
      const learning = await client.call('check-ins', 'POST', '/learnings', {
        body: { objectiveId, keyResultIds: [krs[0]], tried: `Experiment ${o}`, result: 'invalidated', insight: `Insight ${o}` },
        known: `key result ${krs[0]}`,
      });
      expect(learning.status).toBe(201);
      learnings.push(learning.body.id as string);
      // Insights learns objectives and check-ins from the bus.
      await client.untilKnown('insights', 'GET', `/objectives/${objectiveId}/summary`, { known: `objective ${objectiveId}` });
      if (o === 1) await kill('notifications', 1);
    }

    phase('workload written');
    // Every replica up again (restarted while the workload ran), and every resource asked of each.
    await Promise.all(SERVICES.map((service) => pairs[service].bothUp()));
    for (let i = 0; i < 2; i++) {
      for (const krId of keyResults) await client.call('check-ins', 'GET', `/key-results/${krId}/check-ins`, { known: `key result ${krId}` });
      for (const id of learnings) await client.call('check-ins', 'GET', `/learnings/${id}`, { known: `learning ${id}` });
    }

    // Quiet: every group of the shared stores at the head of its topics, every recorded delivery delivered.
    const expected = learnings.length + keyResults.length; // a learning-captured and a confidence-drop each
    const webhookDeliveries = async () => {
      const answer = await client.call('notifications', 'GET', `/deliveries?recipient=${encodeURIComponent(`webhook:${hook.body.id}`)}&limit=200`);
      return (answer.body?.items ?? []) as { id: string; rule: string; status: string }[];
    };
    await until(async () => {
      const recorded = await webhookDeliveries();
      const counts = webhook.counts();
      return (
        recorded.filter((d) => d.rule === 'learning-captured' || d.rule === 'confidence-drop').length >= expected &&
        recorded.every((d) => d.status === 'delivered' && counts.has(d.id)) &&
        (await caughtUp(dataDir))
      );
    });
    const recorded = await webhookDeliveries();
    phase('quiet');
    await Promise.all(SERVICES.map((service) => pairs[service].stopAll('SIGTERM')));

    // (a) no 404 for a resource a replica had answered.
    expect(client.lost).toEqual([]);

    // (c) once per delivery id: a second request only where a replica was SIGKILLed between the two.
    const counts = webhook.counts();
    expect(recorded.filter((d) => d.rule === 'learning-captured')).toHaveLength(learnings.length);
    expect(recorded.filter((d) => d.rule === 'confidence-drop')).toHaveLength(keyResults.length);
    expect([...counts.keys()].sort()).toEqual(recorded.map((d) => d.id).sort());
    const unexplained = [...counts].filter(([id, count]) => {
      if (count === 1) return false;
      const seqs = webhook.arrivals.filter((a) => a.deliveryId === id).map((a) => a.seq);
      return !kills.some((at) => at > seqs[0] && at <= seqs[seqs.length - 1]);
    });
    expect(unexplained).toEqual([]);

    // (b) a single fresh replica of each service, on the same log and no read store, once caught up.
    copyLogOnly(dataDir, freshDir);
    const launches = await Promise.allSettled(SERVICES.map((service) => startService(service, env(() => freshDir)())));
    for (const launch of launches) if (launch.status === 'fulfilled') fresh.push(launch.value);
    for (const launch of launches) if (launch.status === 'rejected') throw launch.reason;
    await until(() => caughtUp(freshDir));
    phase('fresh replicas caught up');
    await Promise.all(fresh.splice(0).map((service) => service.stop('SIGTERM')));
    // Not derived from the log: webhooks, follows and deliveries are the notifications service's own records.
    const { webhooks, follows, deliveries, meta } = NOTIFICATIONS_COLLECTIONS;
    const own = [webhooks, follows, deliveries, meta].map(({ name }) => `notifications.read.sqlite/${name}`);
    const skipped = new Set(own);
    expect(readModelContents(freshDir, skipped)).toEqual(readModelContents(dataDir, skipped));
  });
});
