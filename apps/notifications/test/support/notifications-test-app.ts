import {
  caller,
  createServiceTestApp,
  eventually,
  type Call,
  type CallOptions,
  type ServiceTestApp,
} from '@okr/platform/testing';
import { Dispatcher } from '../../src/delivery/dispatcher';
import { NotificationsStore, type DeliveryDoc } from '../../src/store/notifications.store';
import { NOTIFICATIONS_OPENAPI, NotificationsModule } from '../../src/app.module';
import type { Clock, NotificationsSettings } from '../../src/notifications.config';

export { caller, eventually, type Call, type CallOptions };

/** A fixed key, so that a restart on the same data folder opens what was sealed before. */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7);

/** Settings for tests: quick retries, no timers (tests run the schedules themselves). */
export const TEST_SETTINGS: Partial<NotificationsSettings> = {
  retryInitialMs: 20,
  retryMaxMs: 100,
  maxAttempts: 3,
  timeoutMs: 2000,
  leaseSeconds: 5,
  dispatchIntervalMs: 50,
  reminderIntervalSeconds: 0,
  digestIntervalSeconds: 0,
};

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private offsetMs = 0) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface NotificationsTestApp extends ServiceTestApp {
  clock: TestClock;
  dispatcher(): Dispatcher;
}

/** The real notifications module on the embedded stores of a data folder (fresh unless given). */
export async function createNotificationsTestApp(
  options: { dataDir?: string; settings?: Partial<NotificationsSettings>; clock?: TestClock } = {},
): Promise<NotificationsTestApp> {
  const clock = options.clock ?? new TestClock();
  const base = await createServiceTestApp(
    'notifications',
    (config, logs) =>
      NotificationsModule.forRoot(config, { logStream: logs, settings: { ...TEST_SETTINGS, ...options.settings }, clock, secretsKey: TEST_SECRETS_KEY }),
    { ...(options.dataDir ? { dataDir: options.dataDir } : {}), openApi: NOTIFICATIONS_OPENAPI },
  );
  return { ...base, clock, dispatcher: () => base.app.get(Dispatcher) };
}

/** `YYYY-MM-DD` of today plus `days` (UTC). */
export const isoDay = (days = 0): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Stores `delivery` as due, runs the dispatcher, and waits until the delivery log says it failed:
 * the delivery as `GET /deliveries/{id}` answers it.
 */
export async function dispatchUntilFailed(notifications: NotificationsTestApp, delivery: DeliveryDoc, what: string) {
  const collections = await notifications.app.get(NotificationsStore).collections();
  await collections.deliveries.bulkWrite([{ insertOne: { document: delivery } }]);
  await notifications.dispatcher().drain();
  return eventually(async () => {
    const r = await notifications.call('GET', `/api/v1/deliveries/${delivery._id}`);
    return r.body.status === 'failed' && r.body;
  }, 8000, what);
}

// What notifications-e2e's tests (notifications beside the services whose events it reads) reach inside the app.
export { verifyWebhookSignature } from '../../src/channels';
export { COLLECTIONS as NOTIFICATIONS_COLLECTIONS } from '../../src/store/notifications.store';
export { closedPort, startHttpReceiver, type HttpReceiver, type ReceivedRequest, type Reply } from '../../src/channels/testing/http-receiver';
export { Dispatcher } from '../../src/delivery/dispatcher';
export { webhookTestDelivery } from '../../src/planning/plan-deliveries';
export { NotificationsStore } from '../../src/store/notifications.store';
export { NotificationProjections } from '../../src/view/notification-projections';
export { notificationViewModel } from '../../src/view/notification-view.read-model';
