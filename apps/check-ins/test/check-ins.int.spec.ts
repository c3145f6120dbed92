import {
  countEvents,
  createCheckInsTestApp,
  eventually,
  givenGoalsEvent,
  givenKeyResult,
  type CallOptions,
  type CheckInsTestApp,
  viewCaughtUp,
} from './support/check-ins-test-app';

const PROBLEM = 'application/problem+json';
const UNKNOWN = '0193a3c4-0000-7000-8000-000000000000';

describe('check-ins API', () => {
  let t: CheckInsTestApp;
  let keyResultId: string;
  let objectiveId: string;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
    ({ keyResultId, objectiveId } = await givenKeyResult(t));
  });
  afterAll(() => t.close(true));

  const record = (kr: string, body: unknown, options: CallOptions = {}) =>
    t.call('POST', `/api/v1/key-results/${kr}/check-ins`, { body, ...options });

  /** A request that must fail with problem+json and leave the store unchanged. */
  async function failing(method: string, url: string, options: CallOptions = {}) {
    const before = await countEvents(t.store);
    const response = await t.call(method, url, options);
    expect(response.headers['content-type']).toContain(PROBLEM);
    expect(response.body).toMatchObject({ status: response.status, title: expect.any(String) });
    expect(await countEvents(t.store)).toBe(before);
    return response;
  }

  it('records a check-in (the walkthrough) and lists it', async () => {
    const r = await record(keyResultId, { value: 24, confidence: 6, note: 'Onboarding emails live', effectiveAt: '2026-10-12' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), keyResultId, revision: 0 });
    expect(r.headers.etag).toBe('"0"');

    const list = await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`);
    expect(list.status).toBe(200);
    expect(list.headers.etag).toBe('"0"');
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: r.body.id,
        keyResultId,
        value: 24,
        confidence: 6,
        note: 'Onboarding emails live',
        effectiveAt: '2026-10-12',
        recordedAt: expect.any(String),
        corrections: 0,
      }),
    ]);
  });

  it('pages the check-ins oldest effective first; one recorded later for an earlier day does not shift a page already read', async () => {
    const kr = (await givenKeyResult(t)).keyResultId;
    for (const [value, effectiveAt] of [[10, '2026-10-05'], [12, '2026-10-19'], [14, '2026-10-26']] as const) {
      expect((await record(kr, { value, confidence: 6, effectiveAt })).status).toBe(201);
    }
    const first = await t.call('GET', `/api/v1/key-results/${kr}/check-ins?limit=2`);
    expect(first.body).toMatchObject({ keyResultId: kr, nextCursor: expect.any(String) });
    expect(first.body.items.map((c: { value: number }) => c.value)).toEqual([10, 12]);
    expect((await record(kr, { value: 11, confidence: 6, effectiveAt: '2026-10-12' })).status).toBe(201);
    const second = await t.call('GET', `/api/v1/key-results/${kr}/check-ins?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { value: number }) => c.value)).toEqual([14]);
    expect(second.body.nextCursor).toBeNull();
    const all = await t.call('GET', `/api/v1/key-results/${kr}/check-ins`);
    expect(all.body.items.map((c: { value: number }) => c.value)).toEqual([10, 11, 12, 14]);
    expect((await t.call('GET', `/api/v1/key-results/${kr}/check-ins?cursor=not-a-cursor`)).body.errors).toEqual([
      expect.objectContaining({ field: 'cursor' }),
    ]);
  });

  it('bitemporal: a correction changes asOf but not knownAt before it', async () => {
    const { keyResultId: kr } = await givenKeyResult(t);
    const recorded = await record(kr, { value: 24, confidence: 6, blockers: ['Data export late'], effectiveAt: '2026-10-12' });
    expect(recorded.status).toBe(201);
    await new Promise((r) => setTimeout(r, 20));
    const beforeCorrection = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));

    const correction = await t.call('POST', `/api/v1/check-ins/${recorded.body.id}/corrections`, {
      body: { value: 23, reason: 'Double-counted a cohort' },
    });
    expect(correction.status).toBe(201);
    expect(correction.body).toMatchObject({ id: recorded.body.id, keyResultId: kr, revision: 1, events: ['CheckInCorrected'] });

    const now = await t.call('GET', `/api/v1/key-results/${kr}/check-ins?asOf=now`);
    expect(now.body.items).toEqual([expect.objectContaining({ value: 23, corrections: 1, correctedAt: expect.any(String) })]);
    const byDefault = await t.call('GET', `/api/v1/key-results/${kr}/check-ins`);
    expect(byDefault.body.items).toEqual(now.body.items);

    const known = await t.call('GET', `/api/v1/key-results/${kr}/check-ins?knownAt=${beforeCorrection}`);
    expect(known.status).toBe(200);
    expect(known.body).toMatchObject({ knownAt: beforeCorrection });
    expect(known.body.items).toEqual([expect.objectContaining({ value: 24, corrections: 0, blockers: ['Data export late'] })]);
    expect(known.body.items[0].correctedAt).toBeUndefined();

    // The week of 12 October was not yet the truth on 11 October; and nothing was known before recording.
    expect((await t.call('GET', `/api/v1/key-results/${kr}/check-ins?asOf=2026-10-11`)).body.items).toEqual([]);
    expect((await t.call('GET', `/api/v1/key-results/${kr}/check-ins?knownAt=2020-01-01T00:00:00Z`)).body.items).toEqual([]);

    // Moving the check-in to another week is a correction too.
    const moved = await t.call('POST', `/api/v1/check-ins/${recorded.body.id}/corrections`, {
      body: { effectiveAt: '2026-10-19', reason: 'Was the next week' },
      headers: { 'if-match': '"1"' },
    });
    expect(moved.status).toBe(201);
    expect((await t.call('GET', `/api/v1/key-results/${kr}/check-ins?asOf=2026-10-12`)).body.items).toEqual([]);
  });

  it('a milestone takes true / false', async () => {
    const { keyResultId: kr } = await givenKeyResult(t, { measure: { kind: 'milestone' } });
    expect((await record(kr, { value: true, confidence: 8, effectiveAt: '2026-10-12T09:00:00Z' })).status).toBe(201);
    const wrong = await failing('POST', `/api/v1/key-results/${kr}/check-ins`, { body: { value: 1, confidence: 8, effectiveAt: '2026-10-12' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'value', message: expect.stringContaining('milestone') })]);
  });

  describe('400 names each bad field', () => {
    it('missing and wrongly typed fields', async () => {
      const r = await failing('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: 'lots', confidence: 11, effectiveAt: 'last week', colour: 'red' },
      });
      expect(r.status).toBe(400);
      const fields = r.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['value', 'confidence', 'effectiveAt', 'colour']));
      const missing = await failing('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: {} });
      expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['value', 'confidence', 'effectiveAt']),
      );
    });

    it('a boolean on a numeric key result', async () => {
      const r = await failing('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: true, confidence: 5, effectiveAt: '2026-10-12' },
      });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([expect.objectContaining({ field: 'value', message: expect.stringContaining('number') })]);
    });

    it('a correction without reason, a malformed id, asOf, knownAt, both, or If-Match', async () => {
      const id = (await record(keyResultId, { value: 25, confidence: 5, effectiveAt: '2026-10-19' })).body.id;
      const noReason = await failing('POST', `/api/v1/check-ins/${id}/corrections`, { body: { value: 26 } });
      expect(new Set(noReason.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['reason']));
      expect((await failing('POST', '/api/v1/check-ins/nope/corrections', { body: { value: 1, reason: 'r' } })).status).toBe(400);
      expect((await failing('GET', '/api/v1/key-results/nope/check-ins')).status).toBe(400);
      const asOf = await failing('GET', `/api/v1/key-results/${keyResultId}/check-ins?asOf=yesterday`);
      expect(asOf.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
      const knownAt = await failing('GET', `/api/v1/key-results/${keyResultId}/check-ins?knownAt=soon`);
      expect(knownAt.body.errors).toEqual([expect.objectContaining({ field: 'knownAt' })]);
      const both = await failing('GET', `/api/v1/key-results/${keyResultId}/check-ins?asOf=now&knownAt=now`);
      expect(both.body.errors).toEqual([expect.objectContaining({ field: 'knownAt' })]);
      const ifMatch = await failing('POST', `/api/v1/check-ins/${id}/corrections`, {
        body: { value: 26, reason: 'r' },
        headers: { 'if-match': 'latest' },
      });
      expect(ifMatch.body.errors).toEqual([expect.objectContaining({ field: 'If-Match' })]);
    });
  });

  it('401 without a valid token', async () => {
    for (const token of [null, 'not.a.jwt']) {
      const r = await failing('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
        body: { value: 1, confidence: 5, effectiveAt: '2026-10-12' },
        token,
      });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer');
    }
    expect((await failing('GET', `/api/v1/key-results/${keyResultId}/check-ins`, { token: null })).status).toBe(401);
  });

  it('404 for an unknown key result or check-in', async () => {
    const kr = await failing('POST', `/api/v1/key-results/${UNKNOWN}/check-ins`, { body: { value: 1, confidence: 5, effectiveAt: '2026-10-12' } });
    expect(kr).toMatchObject({ status: 404, body: { code: 'key-result-not-found' } });
    expect((await failing('GET', `/api/v1/key-results/${UNKNOWN}/check-ins`)).body.code).toBe('key-result-not-found');
    const checkIn = await failing('POST', `/api/v1/check-ins/${UNKNOWN}/corrections`, { body: { value: 1, reason: 'r' } });
    expect(checkIn).toMatchObject({ status: 404, body: { code: 'check-in-not-found' } });
  });

  it('409 for a stale If-Match, and for an Idempotency-Key reused with another body', async () => {
    const { keyResultId: kr } = await givenKeyResult(t);
    const id = (await record(kr, { value: 21, confidence: 5, effectiveAt: '2026-10-12' })).body.id;
    const first = await t.call('POST', `/api/v1/check-ins/${id}/corrections`, { body: { value: 22, reason: 'r' }, headers: { 'if-match': '"0"' } });
    expect(first.status).toBe(201);
    expect(first.headers.etag).toBe('"1"');
    const stale = await failing('POST', `/api/v1/check-ins/${id}/corrections`, { body: { value: 23, reason: 'r' }, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(409);

    const key = { 'idempotency-key': 'week-42-once' };
    expect((await record(kr, { value: 25, confidence: 5, effectiveAt: '2026-10-19' }, { headers: key })).status).toBe(201);
    const reused = await failing('POST', `/api/v1/key-results/${kr}/check-ins`, {
      body: { value: 26, confidence: 5, effectiveAt: '2026-10-19' },
      headers: key,
    });
    expect(reused.status).toBe(409);
  });

  it('an idempotent retry returns the first answer and appends nothing', async () => {
    const request = { headers: { 'idempotency-key': 'check-in-once' } };
    const body = { value: 30, confidence: 7, effectiveAt: '2026-10-26' };
    const first = await record(keyResultId, body, request);
    expect(first.status).toBe(201);
    const after = await countEvents(t.store);
    const retry = await record(keyResultId, body, request);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(t.store)).toBe(after);
  });

  describe('422 when the key result does not take check-ins', () => {
    const body = { value: 1, confidence: 5, effectiveAt: '2026-10-12' };

    it('a correction that changes nothing (domain rule)', async () => {
      const id = (await record(keyResultId, { value: 31, confidence: 5, effectiveAt: '2026-11-02' })).body.id;
      const r = await failing('POST', `/api/v1/check-ins/${id}/corrections`, { body: { value: 31, reason: 'r' } });
      expect(r).toMatchObject({ status: 422, body: { code: 'correction-changes-nothing' } });
    });

    it('a dropped key result', async () => {
      const { keyResultId: kr, objectiveId: o } = await givenKeyResult(t);
      await givenGoalsEvent(t, o, 'KeyResultDropped', { keyResultId: kr, reason: 'Wrong metric' }, async () => (await t.view.keyResult('acme', kr))?.dropped === true);
      expect((await failing('POST', `/api/v1/key-results/${kr}/check-ins`, { body })).body.code).toBe('key-result-dropped');
    });

    it('a closed objective', async () => {
      const { keyResultId: kr, objectiveId: o } = await givenKeyResult(t);
      await givenGoalsEvent(
        t, o, 'ObjectiveGraded',
        { keyResultGrades: [{ keyResultId: kr, grade: 0.5 }], overallGrade: 0.5, retrospective: 'r' },
        async () => (await t.view.keyResult('acme', kr))?.objectiveStatus === 'closed',
      );
      const r = await failing('POST', `/api/v1/key-results/${kr}/check-ins`, { body });
      expect(r).toMatchObject({ status: 422, body: { code: 'objective-closed' } });
    });

    it('an archived objective', async () => {
      const { keyResultId: kr, objectiveId: o } = await givenKeyResult(t);
      await givenGoalsEvent(t, o, 'ObjectiveArchived', {}, async () => (await t.view.keyResult('acme', kr))?.objectiveStatus === 'archived');
      const r = await failing('POST', `/api/v1/key-results/${kr}/check-ins`, { body });
      expect(r).toMatchObject({ status: 422, body: { code: 'objective-archived' } });
    });
  });

  it("another tenant's token sees nothing and changes nothing (404)", async () => {
    const id = (await record(keyResultId, { value: 32, confidence: 5, effectiveAt: '2026-11-09' })).body.id;
    // mallory belongs to team g of her own tenant, which owns the look-alike key result below.
    const globex = await t.token('globex', 'mallory', [], ['g']);
    // 503 view-catching-up is the answer while the view may not know the check-in yet; 404 once it has caught up.
    await viewCaughtUp(t);
    const before = await countEvents(t.store);
    for (const [method, url, body] of [
      ['GET', `/api/v1/key-results/${keyResultId}/check-ins`],
      ['GET', `/api/v1/key-results/${keyResultId}/check-ins?knownAt=now`],
      ['POST', `/api/v1/key-results/${keyResultId}/check-ins`, { value: 99, confidence: 1, effectiveAt: '2026-10-12' }],
      ['POST', `/api/v1/check-ins/${id}/corrections`, { value: 99, reason: 'mine now' }],
      ['GET', `/api/v1/objectives/${objectiveId}/learnings`],
      ['GET', `/api/v1/key-results/${keyResultId}/learnings`],
    ] as const) {
      const r = await t.call(method, url, { token: globex, ...(body ? { body } : {}) });
      expect({ url, method, status: r.status }).toEqual({ url, method, status: 404 });
    }
    expect(await countEvents(t.store)).toBe(before);

    // Even a key result with the same id in the other tenant does not open acme's stream to globex.
    await t.store.append(
      `objective-${UNKNOWN}`,
      [
        { id: '0193a3c4-0000-7000-8000-0000000000a1', type: 'ObjectiveSet', data: { objectiveId: UNKNOWN, cycleId: UNKNOWN, teamId: 'g', ownerId: 'm', title: 't' }, metadata: { tenantId: 'globex', actor: 'm', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() } },
        { id: '0193a3c4-0000-7000-8000-0000000000a2', type: 'KeyResultAdded', data: { objectiveId: UNKNOWN, keyResultId, title: 't', measure: { kind: 'milestone' } }, metadata: { tenantId: 'globex', actor: 'm', correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() } },
      ],
      'no_stream',
    );
    await eventually(() => t.view.keyResult('globex', keyResultId), 5000, 'globex key result');
    expect((await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`, { token: globex })).status).toBe(404);
    // Writing is refused too (the stream exists for another tenant: the append conflicts) and writes nothing.
    const count = await countEvents(t.store);
    const write = await t.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, {
      token: globex,
      body: { value: true, confidence: 1, effectiveAt: '2026-10-12' },
    });
    expect(write.status).toBe(409);
    expect(await countEvents(t.store)).toBe(count);
  });

  it('serves OpenAPI and readiness with the view', async () => {
    const docs = await t.call('GET', '/api/docs-json', { token: null });
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/key-results/{krId}/check-ins', '/api/v1/check-ins/{id}/corrections', '/api/v1/learnings']),
    );
    const ready = await t.call('GET', '/health/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({ 'event-store': { status: 'up' }, 'read-models': { status: 'up' } });
  });
});
