import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { EmbeddedConsumer, type ConsumerOptions } from '@okr/messaging';
import { NotificationsStore } from '../src/store/notifications.store';
import { createNotificationsTestApp, eventually, type NotificationsTestApp } from './support/notifications-test-app';

/**
 * A new pod, or one whose read store was lost, reads the log from its start to build its view. It
 * listens at once (never holding `listen` for its consumer) and says "catching up" on /health/ready
 * until the view has caught up.
 */
describe('notifications while its view catches up', () => {
  let t: NotificationsTestApp | undefined;
  let release: () => void = () => undefined;
  afterEach(async () => {
    release();
    jest.restoreAllMocks();
    await t?.close(true);
    t = undefined;
  });

  /** Holds back the delivery of events to the view until `release()`. */
  function holdViewDelivery(): void {
    const gate = new Promise<void>((resolve) => (release = resolve));
    const start = EmbeddedConsumer.prototype.start;
    jest.spyOn(EmbeddedConsumer.prototype, 'start').mockImplementation(function (this: EmbeddedConsumer, options: ConsumerOptions) {
      const { handleBatch } = options;
      const held: ConsumerOptions = {
        ...options,
        handlers: Object.fromEntries(Object.entries(options.handlers).map(([type, handler]) => [type, async (event) => (await gate, handler(event))])),
        ...(handleBatch ? { handleBatch: async (events) => (await gate, handleBatch(events)) } : {}),
      };
      return start.call(this, held);
    });
  }

  const cycleIn = async (app: NotificationsTestApp, cycleId: string) =>
    (await app.app.get(NotificationsStore).collections()).view.findOne({ _id: cycleId, kind: 'cycle' });

  it('listens at once, is not ready while it reads the log, then serves the view it built', async () => {
    const first = await createNotificationsTestApp();
    const cycleId = randomUUID();
    const metadata = { tenantId: 'acme', actor: 'alice', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() };
    const data = { cycleId, name: 'Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', checkInCadenceDays: 7 };
    await first.app.get<EventStore>(EVENT_STORE).append(`cycle-${cycleId}`, [{ id: randomUUID(), type: 'CyclePlanned', data, metadata }], 'no_stream');
    await eventually(async () => (await cycleIn(first, cycleId)) !== null, 10_000, 'the cycle in the first view');
    await first.close();
    // The pod's read store is lost (a new pod, an emptied volume); the event log is the truth.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(first.dataDir, `notifications.read.sqlite${suffix}`), { force: true });

    holdViewDelivery();
    t = await createNotificationsTestApp({ dataDir: first.dataDir });
    const app = t;
    expect((await app.call('GET', '/health/live', { token: null })).status).toBe(200);
    const notReady = await eventually(async () => {
      const r = await app.call('GET', '/health/ready', { token: null });
      return r.status === 503 && String(r.body?.details?.['read-models']?.message).includes('catching up') && r;
    }, 10_000, 'readiness saying catching up');
    expect(notReady.body.details['read-models']).toMatchObject({ status: 'down' });
    expect(await cycleIn(app, cycleId)).toBeNull();

    release();
    await eventually(async () => (await app.call('GET', '/health/ready', { token: null })).status === 200, 10_000, 'ready once caught up');
    expect(await cycleIn(app, cycleId)).toMatchObject({ kind: 'cycle', tenantId: 'acme', name: 'Q1' });
  });
});
