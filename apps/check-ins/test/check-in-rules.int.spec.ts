import { countEvents, createCheckInsTestApp, givenKeyResult, type CallOptions, type CheckInsTestApp } from './support/check-ins-test-app';

/** The fixtures' key results are in Q4 2026 (1 October to 31 December); the default grace is 7 days. */
describe('check-ins respect their key result: its cycle, today, and the revision the caller saw', () => {
  let t: CheckInsTestApp;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
  });
  afterAll(() => t.close(true));

  const url = (kr: string) => `/api/v1/key-results/${kr}/check-ins`;

  /** A write that must be refused with problem+json and append nothing. */
  async function refused(kr: string, body: unknown, options: CallOptions = {}) {
    const before = await countEvents(t.store);
    const response = await t.call('POST', url(kr), { body, ...options });
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(await countEvents(t.store)).toBe(before);
    return response;
  }

  it('refuses a check-in dated 2030-01-01 (422 effective-at-in-future): it never becomes the current value', async () => {
    const { keyResultId } = await givenKeyResult(t);
    const r = await refused(keyResultId, { value: 40, confidence: 9, effectiveAt: '2030-01-01' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'effective-at-in-future', detail: 'A check-in describes what happened: 2030-01-01 is after today.' });
    expect((await t.call('GET', url(keyResultId))).body.items).toEqual([]);
  });

  it("refuses a moment before the key result's cycle, or after its end and the grace, naming the rule", async () => {
    const { keyResultId } = await givenKeyResult(t, { cycle: { startsOn: '2026-07-01', endsOn: '2026-09-30' } });
    const before = await refused(keyResultId, { value: 25, confidence: 5, effectiveAt: '2026-06-30' });
    expect(before.body).toMatchObject({ status: 422, code: 'effective-at-before-cycle', details: { startsOn: '2026-07-01' } });
    const after = await refused(keyResultId, { value: 25, confidence: 5, effectiveAt: '2026-10-08' });
    expect(after.body).toMatchObject({ status: 422, code: 'effective-at-after-cycle', details: { endsOn: '2026-09-30', lastDay: '2026-10-07' } });
    expect((await t.call('POST', url(keyResultId), { body: { value: 25, confidence: 5, effectiveAt: '2026-10-07' } })).status).toBe(201);
  });

  it('a correction may not move a check-in out of the cycle either', async () => {
    const { keyResultId } = await givenKeyResult(t);
    const id = (await t.call('POST', url(keyResultId), { body: { value: 25, confidence: 5, effectiveAt: '2026-10-12' } })).body.id;
    const before = await countEvents(t.store);
    const moved = await t.call('POST', `/api/v1/check-ins/${id}/corrections`, { body: { effectiveAt: '2026-09-01', reason: 'Wrong week' } });
    expect(moved.body).toMatchObject({ status: 422, code: 'effective-at-before-cycle' });
    expect(await countEvents(t.store)).toBe(before);
  });

  it('a key result whose cycle the service has not seen planned still refuses the future', async () => {
    const { keyResultId } = await givenKeyResult(t, { cycle: null });
    expect((await refused(keyResultId, { value: 25, confidence: 5, effectiveAt: '2030-01-01' })).body.code).toBe('effective-at-in-future');
    expect((await t.call('POST', url(keyResultId), { body: { value: 25, confidence: 5, effectiveAt: '2026-10-12' } })).status).toBe(201);
  });

  it('honours If-Match: the ETag of GET check-ins is the revision of the key result\'s check-ins; a stale one is 409', async () => {
    const { keyResultId } = await givenKeyResult(t);
    const body = { value: 22, confidence: 6, effectiveAt: '2026-10-12' };
    // No check-in yet: the list has no ETag, and any If-Match is stale.
    const empty = await t.call('GET', url(keyResultId));
    expect(empty.headers.etag).toBeUndefined();
    expect((await refused(keyResultId, body, { headers: { 'if-match': '"0"' } })).status).toBe(409);

    const first = await t.call('POST', url(keyResultId), { body });
    expect(first.headers.etag).toBe('"0"');
    const list = await t.call('GET', url(keyResultId));
    expect(list.headers.etag).toBe('"0"');

    const stale = await refused(keyResultId, { ...body, value: 23 }, { headers: { 'if-match': '"999"' } });
    expect(stale.body).toMatchObject({ status: 409, code: 'wrong-expected-revision' });

    const fresh = await t.call('POST', url(keyResultId), { body: { ...body, value: 23, effectiveAt: '2026-10-19' }, headers: { 'if-match': String(list.headers.etag) } });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.etag).toBe('"1"');
    expect((await t.call('GET', url(keyResultId))).headers.etag).toBe('"1"');
    // The ETag the list gave before the second check-in is stale now.
    expect((await refused(keyResultId, { ...body, value: 24, effectiveAt: '2026-10-26' }, { headers: { 'if-match': '"0"' } })).status).toBe(409);
  });
});
