/**
 * Notifications, measured in one run (benchmarks, not tests), each as a ratio to a baseline measured
 * in the same run on the same machine:
 *
 *   1. Dispatch: pending webhook deliveries in the embedded read store sent to a local HTTP receiver
 *      by the Dispatcher (find due, claim each with a conditional update, sign, POST, record the
 *      outcome and the attempt), against the channel alone (`sendWebhook`: sign + POST, the same
 *      concurrency of 16) for the same notifications. The ratio is what durability costs.
 *   2. Planning: check-in events through the consumer (read the view, run the rules, plan, record the
 *      deliveries and the applied revision in one transaction) against raw read-store transactions
 *      writing the same documents precomputed; and the same planning with nothing sealed (no key
 *      store) against planning with recipients and texts sealed as the service does by default
 *      (and dispatching likewise: sealed deliveries opened before each send, against plain ones).
 *      Deliveries are sealed in every other case too (embedded key file, default key cache).
 *   3. Memory: heap after dispatching, against the heap before the deliveries were created.
 *
 * Run: `npm run bench:notifications`. Sizes: BENCH_DELIVERIES (default 2000), BENCH_EVENTS (2000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { HealthIndicatorService } from '@nestjs/terminus';
import { ProtectedEventStore, SqliteKeyStore, withKeyCache, type EventStore } from '@okr/event-store';
import type { IntegrationEvent, IntegrationEventConsumer } from '@okr/messaging';
import { Metrics, Tracing } from '@okr/platform';
import { EmbeddedReadStore, type ReadStore } from '@okr/read-store';
import { sendWebhook, type OutgoingNotification } from '../apps/notifications/src/channels';
import { startHttpReceiver } from '../apps/notifications/src/channels/testing/http-receiver';
import { Dispatcher } from '../apps/notifications/src/delivery/dispatcher';
import { systemClock, type NotificationsSettings } from '../apps/notifications/src/notifications.config';
import { DeliveryRecorder } from '../apps/notifications/src/planning/delivery-recorder';
import { webhookTestDelivery } from '../apps/notifications/src/planning/plan-deliveries';
import { NotificationsStore, type DeliveryDoc, type WebhookDoc } from '../apps/notifications/src/store/notifications.store';
import { DeliverySeal } from '../apps/notifications/src/store/delivery-seal';
import { SecretBox } from '../apps/notifications/src/store/secret-box';
import { NotificationProjections } from '../apps/notifications/src/view/notification-projections';
import { benchSize } from './bench-size';

const DELIVERIES = benchSize(2000, { env: 'BENCH_DELIVERIES', min: 50 });
const EVENTS = benchSize(2000, { env: 'BENCH_EVENTS', min: 50 });
const ROUNDS = benchSize(3, { min: 1 });
const CONCURRENCY = 16;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const settings: NotificationsSettings = {
  smtpFrom: 'bench <bench@localhost>',
  maxAttempts: 3,
  retryInitialMs: 10,
  retryMaxMs: 10,
  timeoutMs: 5000,
  leaseSeconds: 60,
  dispatchIntervalMs: 60_000,
  concurrency: CONCURRENCY,
  concurrencyPerDestination: CONCURRENCY,
  reminderIntervalSeconds: 0,
  digestIntervalSeconds: 0,
  notifyMaxAgeHours: 24,
  allowPrivateDestinations: true,
};

async function openStore(dir: string, name: string): Promise<{ readStore: ReadStore; store: NotificationsStore }> {
  const readStore = await EmbeddedReadStore.open({ file: join(dir, `${name}.read.sqlite`) });
  return { readStore, store: new NotificationsStore(readStore) };
}

/**
 * What the service's deliveries are sealed and opened with: an event store with personal-data keys in
 * an embedded key file (the default), with the default key cache; or, `sealed: false`, none (nothing
 * sealed). Only its key store is used: the bench's events are handed to the projections directly.
 */
function eventStoreOf(dir: string, name: string, sealed: boolean): { events: EventStore; close: () => Promise<void> } {
  if (!sealed) return { events: {} as EventStore, close: async () => undefined };
  const keys = withKeyCache(SqliteKeyStore.open({ file: join(dir, `${name}.keys.sqlite`) }), { maxEntries: 10_000, maxAgeMs: 60_000 });
  return { events: new ProtectedEventStore({} as EventStore, keys), close: () => keys.close() };
}

async function dispatchRound(dir: string, round: number, url: string, sealed = true): Promise<{ rate: number; heapDelta: number }> {
  const name = `dispatch-${round}-${sealed ? 'sealed' : 'plain'}`;
  const { readStore, store } = await openStore(dir, name);
  const { events, close } = eventStoreOf(dir, name, sealed);
  const seal = new DeliverySeal(events);
  const c = await store.collections();
  const hook: WebhookDoc = {
    _id: uuidv7(), tenantId: 'bench', url, secret: 'whsec_bench', format: 'json', teams: [], rules: [],
    description: null, createdBy: 'bench', createdAt: new Date().toISOString(), secretRotatedAt: null,
  };
  await c.webhooks.bulkWrite([{ insertOne: { document: hook } }]);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  // Sealed as the service seals a webhook test (its text names who sent it): the dispatcher opens each.
  const benchKey = [...(await seal.keyIdsOf('bench', ['bench'])).values()];
  const docs: DeliveryDoc[] = [];
  for (let i = 0; i < DELIVERIES; i += 1) docs.push(await seal.seal(webhookTestDelivery(hook, `bench-${round}-${i}`, 'bench', new Date(0)), benchKey));
  for (let i = 0; i < docs.length; i += 500) await c.deliveries.bulkWrite(docs.slice(i, i + 500).map((document) => ({ insertOne: { document } })));
  const recorder = new DeliveryRecorder(store, seal, settings);
  const dispatcher = new Dispatcher(store, recorder, settings, systemClock(), new Metrics('bench'), new SecretBox(), new Tracing('bench', null), seal);
  const started = performance.now();
  // Claims and sends until nothing is due, up to CONCURRENCY attempts in flight (all to the one hook).
  await dispatcher.drain();
  const elapsed = (performance.now() - started) / 1000;
  const delivered = await c.deliveries.count({ status: 'delivered' });
  if (delivered !== DELIVERIES) throw new Error(`only ${delivered} of ${DELIVERIES} delivered`);
  global.gc?.();
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  await dispatcher.onModuleDestroy();
  await readStore.close();
  await close();
  return { rate: DELIVERIES / elapsed, heapDelta };
}

async function rawSendRound(url: string): Promise<number> {
  const notifications: OutgoingNotification[] = Array.from({ length: DELIVERIES }, (_, i) => ({
    deliveryId: uuidv7(), tenantId: 'bench', rule: 'test', recipient: 'webhook:bench', subject: 'Test notification from the OKR platform',
    body: 'bench sent this test to check the webhook. If you can read it, notifications will reach you here.',
    triggeredBy: `raw-${i}`, createdAt: new Date().toISOString(), attempt: 1,
  }));
  const started = performance.now();
  for (let i = 0; i < notifications.length; i += CONCURRENCY) {
    const outcomes = await Promise.all(notifications.slice(i, i + CONCURRENCY).map((notification) => sendWebhook({ url, secret: 'whsec_bench', notification, timeoutMs: 5000 })));
    if (outcomes.some((o) => o.kind !== 'delivered')) throw new Error('raw send failed');
  }
  return DELIVERIES / ((performance.now() - started) / 1000);
}

/** The goals and check-ins events of one objective with one key result, then EVENTS check-ins swinging 9 / 4. */
function events(): IntegrationEvent[] {
  const objectiveId = uuidv7();
  const keyResultId = uuidv7();
  const cycleId = uuidv7();
  let position = 0;
  const now = new Date().toISOString();
  const make = (streamId: string, revision: number, type: string, data: Record<string, unknown>): IntegrationEvent => ({
    id: uuidv7(), type, schemaVersion: 1, streamId, key: streamId, revision, position: ++position, data,
    metadata: { tenantId: 'bench', actor: 'bob', correlationId: 'bench', causationId: 'bench', occurredAt: now },
  });
  const out = [
    make(`cycle-${cycleId}`, 0, 'CyclePlanned', { cycleId, name: 'Now', startsOn: now.slice(0, 10), endsOn: '2099-12-31', checkInCadenceDays: 7 }),
    make(`objective-${objectiveId}`, 0, 'ObjectiveSet', { objectiveId, cycleId, teamId: 'growth', ownerId: 'alice', title: 'Bench objective' }),
    make(`objective-${objectiveId}`, 1, 'KeyResultAdded', { objectiveId, keyResultId, title: 'Bench KR', ownerId: 'bob', measure: { kind: 'milestone' } }),
    make(`objective-${objectiveId}`, 2, 'ObjectiveActivated', { objectiveId }),
  ];
  for (let i = 0; i < EVENTS; i += 1) {
    out.push(make(`checkins-${keyResultId}`, i, 'CheckInRecorded', {
      checkInId: uuidv7(), keyResultId, objectiveId, value: false, confidence: i % 2 === 0 ? 9 : 4, effectiveAt: now.slice(0, 10), recordedAt: now,
    }));
  }
  return out;
}

async function planRound(dir: string, round: number, sealed: boolean): Promise<{ rate: number; recorded: number; written: DeliveryDoc[] }> {
  const name = `plan-${round}-${sealed ? 'sealed' : 'plain'}`;
  const { readStore, store } = await openStore(dir, name);
  // The bench's events are plain; with keys, the deliveries are sealed as the service seals them.
  const { events: eventStore, close } = eventStoreOf(dir, name, sealed);
  const recorder = new DeliveryRecorder(store, new DeliverySeal(eventStore), settings);
  const projections = new NotificationProjections({} as IntegrationEventConsumer, store, recorder, systemClock(), settings, {} as HealthIndicatorService, eventStore);
  (projections as unknown as { notifySince: string }).notifySince = new Date(0).toISOString();
  const all = events();
  const started = performance.now();
  let recorded = 0;
  for (const event of all) recorded += await projections.applyEvent(event);
  const rate = all.length / ((performance.now() - started) / 1000);
  const written = await (await store.collections()).deliveries.find({});
  await readStore.close();
  await close();
  return { rate, recorded, written };
}

async function rawPlanRound(dir: string, round: number, written: DeliveryDoc[]): Promise<number> {
  const { readStore, store } = await openStore(dir, `raw-plan-${round}`);
  const c = await store.collections();
  const applied = await readStore.collection({ name: 'raw_applied' });
  const byEvent = new Map<string, DeliveryDoc[]>();
  for (const doc of written) byEvent.set(doc.triggeredBy, [...(byEvent.get(doc.triggeredBy) ?? []), doc]);
  const all = events();
  const started = performance.now();
  for (const event of all) {
    const docs = byEvent.get(event.id) ?? [];
    await readStore.withTransaction(async (session) => {
      if (docs.length > 0) await c.deliveries.bulkWrite(docs.map((d) => ({ insertOne: { document: { ...d, _id: uuidv7(), key: uuidv7() } } })), session);
      await applied.updateOne({ _id: event.streamId }, { $set: { tenantId: 'bench', revision: event.revision, appliedAt: '' } }, { upsert: true, session });
    });
  }
  const rate = all.length / ((performance.now() - started) / 1000);
  await readStore.close();
  return rate;
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const dir = mkdtempSync(join(tmpdir(), 'okr-notifications-bench-'));
  const receiver = await startHttpReceiver(() => ({ status: 204 }));
  try {
    process.stdout.write(`notifications bench: node ${process.version}, ${availableParallelism()} cpus, ${fmt(DELIVERIES)} deliveries, ${fmt(EVENTS)} check-ins\n\n`);
    const url = `${receiver.origin}/bench`;
    const dispatch: number[] = [];
    const raw: number[] = [];
    const heap: number[] = [];
    const plan: number[] = [];
    const rawPlan: number[] = [];
    const plainPlan: number[] = [];
    const plainDispatch: number[] = [];
    let recorded = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which goes first, so neither always runs on a warmer process.
      if (round % 2 === 0) {
        raw.push(await rawSendRound(url));
        const d = await dispatchRound(dir, round, url);
        dispatch.push(d.rate);
        heap.push(d.heapDelta);
      } else {
        const d = await dispatchRound(dir, round, url);
        dispatch.push(d.rate);
        heap.push(d.heapDelta);
        raw.push(await rawSendRound(url));
      }
      plainDispatch.push((await dispatchRound(dir, round, url, false)).rate);
      const p = await planRound(dir, round, true);
      plan.push(p.rate);
      recorded = p.recorded;
      rawPlan.push(await rawPlanRound(dir, round, p.written));
      plainPlan.push((await planRound(dir, round, false)).rate);
      receiver.requests.length = 0;
    }
    const [d, r, p, rp, pp, pd] = [median(dispatch), median(raw), median(plan), median(rawPlan), median(plainPlan), median(plainDispatch)];
    process.stdout.write(`case                                                   measured            baseline              ratio\n`);
    process.stdout.write(`dispatch to a local webhook (deliveries/s)        ${fmt(d).padStart(10)}    sendWebhook ${fmt(r).padStart(8)}    ${(d / r).toFixed(2)}\n`);
    process.stdout.write(`the same, sealed vs nothing sealed (no key store) ${fmt(d).padStart(10)}    unsealed    ${fmt(pd).padStart(8)}    ${(d / pd).toFixed(2)}\n`);
    process.stdout.write(`plan check-ins into deliveries (events/s)         ${fmt(p).padStart(10)}    raw writes  ${fmt(rp).padStart(8)}    ${(p / rp).toFixed(2)}\n`);
    process.stdout.write(`the same, sealed vs nothing sealed (no key store) ${fmt(p).padStart(10)}    unsealed    ${fmt(pp).padStart(8)}    ${(p / pp).toFixed(2)}\n`);
    process.stdout.write(`heap growth for ${fmt(DELIVERIES)} deliveries dispatched: ${mb(median(heap))}${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}\n`);
    process.stdout.write(`(${fmt(recorded)} deliveries recorded per planning round; median of ${ROUNDS} rounds: dispatch ${dispatch.map(fmt).join(', ')}; unsealed dispatch ${plainDispatch.map(fmt).join(', ')}; raw ${raw.map(fmt).join(', ')}; plan ${plan.map(fmt).join(', ')}; raw writes ${rawPlan.map(fmt).join(', ')}; unsealed ${plainPlan.map(fmt).join(', ')})\n`);
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
