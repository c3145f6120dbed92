import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedConsumer, type ConsumerOptions } from '@okr/messaging';
import { answerViolations } from '@okr/platform/testing';
import { createCheckInsTestApp, eventually, givenKeyResult, type CheckInsTestApp } from './support/check-ins-test-app';

/**
 * A new pod, or one whose read store was lost, reads goals' events from the start of the log. It
 * listens at once, says "catching up" on /health/ready, and answers 503 with Retry-After (never 404)
 * for a key result the log holds and its view has not read yet.
 */
describe("check-ins while its view of goals catches up", () => {
  let t: CheckInsTestApp | undefined;
  let release: () => void = () => undefined;
  afterEach(async () => {
    release();
    jest.restoreAllMocks();
    await t?.close(true);
    t = undefined;
  });

  /** Holds back the delivery of goals' events to the known-goals read model until `release()`. */
  function holdGoalsDelivery(): void {
    const gate = new Promise<void>((resolve) => (release = resolve));
    const start = EmbeddedConsumer.prototype.start;
    jest.spyOn(EmbeddedConsumer.prototype, 'start').mockImplementation(function (this: EmbeddedConsumer, options: ConsumerOptions) {
      if (!options.group.startsWith('check-ins.check-ins-known-goals')) return start.call(this, options);
      const { handleBatch } = options;
      const held: ConsumerOptions = {
        ...options,
        handlers: Object.fromEntries(Object.entries(options.handlers).map(([type, handler]) => [type, async (event) => (await gate, handler(event))])),
        ...(handleBatch ? { handleBatch: async (events) => (await gate, handleBatch(events)) } : {}),
      };
      return start.call(this, held);
    });
  }

  it('listens at once, is not ready, answers 503 for a key result the log holds and 404 for one it does not, then serves', async () => {
    const first = await createCheckInsTestApp();
    const { keyResultId } = await givenKeyResult(first);
    await first.close();
    // The pod's read store is lost (a new pod, an emptied volume); the event log is the truth.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(first.dataDir, `check-ins.read.sqlite${suffix}`), { force: true });

    holdGoalsDelivery();
    t = await createCheckInsTestApp(first.dataDir);
    const app = t;
    const notReady = await eventually(async () => {
      const r = await app.call('GET', '/health/ready', { token: null });
      return r.status === 503 && String(r.body?.details?.['read-models']?.message).includes('catching up') && r;
    }, 5000, 'readiness saying catching up');
    expect(notReady.body.details['read-models']).toMatchObject({ status: 'down' });

    const body = { value: 24, confidence: 6, effectiveAt: '2026-10-12' };
    const early = await app.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body });
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('1');
    expect(early.body).toMatchObject({ code: 'view-catching-up', details: { keyResultId } });
    expect(early.body.detail).not.toContain(keyResultId);
    // As the service's OpenAPI document says (a problem, with Retry-After).
    const document = (await app.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    expect(answerViolations(document, 'POST', `/api/v1/key-results/${keyResultId}/check-ins`, 503, early.body)).toEqual([]);
    // A read of the key result's check-ins: the same answer.
    expect((await app.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`)).status).toBe(503);

    release();
    await eventually(async () => (await app.call('GET', '/health/ready', { token: null })).status === 200, 5000, 'ready once caught up');
    expect((await app.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body })).status).toBe(201);
    // Caught up, the view knows every key result the log holds: an unknown one is a 404.
    const unknown = await app.call('POST', '/api/v1/key-results/0193a3c4-0000-7000-8000-00000000ffff/check-ins', { body });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'key-result-not-found' } });
  });
});
