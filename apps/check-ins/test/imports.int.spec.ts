import { createCheckInsTestApp, givenKeyResult, type CheckInsTestApp } from './support/check-ins-test-app';

/** `POST /api/v1/imports/check-ins`: a check-in recorded at a past time, marked as imported. */
describe('check-ins API: imports', () => {
  let t: CheckInsTestApp;
  let keyResultId: string;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
    ({ keyResultId } = await givenKeyResult(t, { cycle: { startsOn: '2026-07-01', endsOn: '2026-09-30' } }));
  });
  afterAll(() => t.close(true));

  it('imports a check-in at its original time', async () => {
    const at = '2026-08-03T10:00:00.000Z';
    const r = await t.call('POST', '/api/v1/imports/check-ins', {
      body: {
        items: [
          {
            at,
            actor: 'dana',
            request: { method: 'POST', path: `/api/v1/key-results/${keyResultId}/check-ins`, body: { value: 25, confidence: 7, effectiveAt: '2026-08-03' } },
          },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([{ status: 201, body: expect.objectContaining({ keyResultId }) }]);

    const list = await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`);
    expect(list.body.items).toEqual([expect.objectContaining({ value: 25, recordedAt: at })]);
    const before = await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins?knownAt=2026-08-01T00:00:00Z`);
    expect(before.body.items).toEqual([]);

    const recorded = [];
    for await (const event of t.store.readAll()) if (event.type === 'CheckInRecorded') recorded.push(event);
    expect(recorded).toHaveLength(1);
    expect(recorded[0].metadata).toMatchObject({ occurredAt: at, actor: 'dana', importedAt: expect.any(String) });
  });

  it('commits a request in one go: its check-ins are found by id for a correction in the next request', async () => {
    const item = (at: string, effectiveAt: string, value: number) => ({
      at,
      request: { method: 'POST', path: `/api/v1/key-results/${keyResultId}/check-ins`, body: { value, confidence: 6, effectiveAt } },
    });
    const first = await t.call('POST', '/api/v1/imports/check-ins', {
      body: { items: [item('2026-08-10T10:00:00Z', '2026-08-10', 30), item('2026-08-17T10:00:00Z', '2026-08-17', 35)] },
    });
    expect(first.status).toBe(200);
    const [a, b] = first.body.results.map((r: { body: { id: string; revision: number } }) => r.body);
    expect(b.revision).toBe(a.revision + 1);

    const correction = await t.call('POST', '/api/v1/imports/check-ins', {
      body: { items: [{ at: '2026-08-18T09:00:00Z', request: { method: 'POST', path: `/api/v1/check-ins/${a.id}/corrections`, body: { value: 31, reason: 'typo' } } }] },
    });
    expect(correction.status).toBe(200);
    expect(correction.body.results).toEqual([{ status: expect.any(Number), body: expect.objectContaining({ keyResultId }) }]);
  });

  it('corrects a check-in recorded earlier in the same request (ref), without a second HTTP request per item', async () => {
    const fastify = t.app.getHttpAdapter().getInstance() as { inject: (...args: unknown[]) => unknown };
    const inject = jest.spyOn(fastify, 'inject');
    try {
      const r = await t.call('POST', '/api/v1/imports/check-ins', {
        body: {
          items: [
            { at: '2026-08-24T10:00:00Z', ref: 'typo', request: { method: 'POST', path: `/api/v1/key-results/${keyResultId}/check-ins`, body: { value: 400, confidence: 6, effectiveAt: '2026-08-24' } } },
            { at: '2026-08-25T09:00:00Z', request: { method: 'POST', path: '/api/v1/check-ins/$ref:typo/corrections', body: { value: 40, reason: 'Typo: 400 entered instead of 40' } } },
          ],
        },
      });
      expect(r.status).toBe(200);
      const [recorded, corrected] = r.body.results;
      expect(corrected).toEqual({ status: 201, body: expect.objectContaining({ id: recorded.body.id, keyResultId }) });
      expect(inject).toHaveBeenCalledTimes(1);
    } finally {
      inject.mockRestore();
    }
    const list = await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`);
    expect(list.body.items).toContainEqual(expect.objectContaining({ value: 40, effectiveAt: expect.stringContaining('2026-08-24') }));
  });

  it("reports an item's validation error with its index and field", async () => {
    const r = await t.call('POST', '/api/v1/imports/check-ins', {
      body: { items: [{ at: '2026-08-31T10:00:00Z', request: { method: 'POST', path: `/api/v1/key-results/${keyResultId}/check-ins`, body: { value: 41, confidence: 11, effectiveAt: '2026-08-31' } } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.details).toMatchObject({ index: 0, status: 400, imported: 0, problem: { errors: [expect.objectContaining({ field: 'confidence' })] } });
  });
});
