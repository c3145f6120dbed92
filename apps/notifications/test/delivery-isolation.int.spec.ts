import { startHttpReceiver, type HttpReceiver } from '../src/channels/testing/http-receiver';
import { webhookTestDelivery } from '../src/planning/plan-deliveries';
import { NotificationsStore, type DeliveryDoc, type WebhookDoc } from '../src/store/notifications.store';
import { createNotificationsTestApp, eventually, type NotificationsTestApp } from './support/notifications-test-app';

jest.setTimeout(60_000);

/**
 * One tenant's dead endpoints (every attempt waits for its timeout) must not hold any other tenant's
 * deliveries: attempts run per destination, and no round waits for its slowest member.
 */
describe('notifications: deliveries of different tenants and destinations do not wait for each other', () => {
  let notifications: NotificationsTestApp;
  let dead: HttpReceiver;
  let fast: HttpReceiver;

  beforeAll(async () => {
    dead = await startHttpReceiver(() => 'hang');
    fast = await startHttpReceiver(() => ({ status: 200 }));
    // Timeouts far longer than the test waits: an attempt to the dead endpoint never ends while it runs.
    notifications = await createNotificationsTestApp({ settings: { timeoutMs: 60_000, leaseSeconds: 120, concurrency: 8, concurrencyPerDestination: 2 } });
  });
  afterAll(async () => {
    await dead?.close();
    await notifications?.close(true);
    await fast?.close();
  });

  const hook = (tenantId: string, id: string, url: string): WebhookDoc => ({
    _id: id,
    tenantId,
    url,
    secret: 'whsec_test',
    format: 'json',
    teams: [],
    rules: [],
    description: null,
    createdBy: 'alice',
    createdAt: new Date().toISOString(),
    secretRotatedAt: null,
  });

  it("tenant B's webhook is delivered while tenant A's dead endpoints hang, however many A has queued first", async () => {
    const c = await notifications.app.get(NotificationsStore).collections();
    const deadHooks = [1, 2, 3].map((i) => hook('acme', `acme-dead-${i}`, `${dead.origin}/dead-${i}`));
    const fastHook = hook('globex', 'globex-fast', `${fast.origin}/okr`);
    await c.webhooks.bulkWrite([...deadHooks, fastHook].map((document) => ({ insertOne: { document } })));
    // A's deliveries are older (due first) and outnumber every slot there is.
    const older = new Date(Date.now() - 60_000);
    const acme: DeliveryDoc[] = deadHooks.flatMap((h) => Array.from({ length: 10 }, (_, i) => webhookTestDelivery(h, `${h._id}-${i}`, 'alice', older)));
    const globex = webhookTestDelivery(fastHook, 'globex-1', 'gina', new Date());
    await c.deliveries.bulkWrite([...acme, globex].map((document) => ({ insertOne: { document } })));
    notifications.dispatcher().wake();

    const delivered = await eventually(async () => {
      const doc = await c.deliveries.findOne({ _id: globex._id });
      return doc?.status === 'delivered' && doc;
    }, 30_000, "globex's delivery delivered");
    expect(delivered.attempts).toBe(1);
    expect(fast.requests).toHaveLength(1);

    // A's attempts are still hanging: at most two per dead endpoint were started, none has ended.
    const started = new Map<string, number>();
    for (const r of dead.requests) started.set(r.path, (started.get(r.path) ?? 0) + 1);
    expect([...started.values()].every((n) => n <= 2)).toBe(true);
    expect(await c.deliveries.count({ tenantId: 'acme', status: 'pending' })).toBe(acme.length);
    expect(await c.deliveries.count({ tenantId: 'acme', attempts: { $gt: 0 } })).toBe(0);
  });
});
