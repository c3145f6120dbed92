import { countEvents, createCheckInsTestApp, givenKeyResult, type CheckInsTestApp } from './support/check-ins-test-app';

const UNKNOWN = '0193a3c4-0000-7000-8000-000000000000';

describe('service accounts and measurements', () => {
  let t: CheckInsTestApp;
  let keyResultId: string;
  let otherKeyResultId: string;
  beforeAll(async () => {
    t = await createCheckInsTestApp();
    ({ keyResultId } = await givenKeyResult(t));
    ({ keyResultId: otherKeyResultId } = await givenKeyResult(t));
  });
  afterAll(() => t.close(true));

  const createAccount = async (name: string, scope: Record<string, string[]>) => {
    const created = await t.call('POST', '/api/v1/service-accounts', { body: { name, scope } });
    expect(created.status).toBe(201);
    return created.body as { id: string; apiKey: string; actor: string };
  };

  it('an admin creates a service account: the key is shown once, and never in the list', async () => {
    const account = await createAccount('product-analytics', { teams: ['growth'] });
    expect(account).toMatchObject({ name: 'product-analytics', actor: 'integration:product-analytics', status: 'active', scope: { teams: ['growth'], keyResultIds: [] } });
    expect(account.apiKey).toMatch(/^okrsk\./);
    const list = await t.call('GET', '/api/v1/service-accounts');
    expect(list.body.items).toEqual([expect.objectContaining({ id: account.id, name: 'product-analytics' })]);
    expect(JSON.stringify(list.body)).not.toContain(account.apiKey.split('.')[3]);
    const registry = await t.call('GET', `/api/v1/service-accounts`, { token: await t.token('acme', 'bob') });
    expect(registry.status).toBe(403);
    expect((await t.call('POST', '/api/v1/service-accounts', { body: { name: 'product-analytics', scope: { teams: ['growth'] } } })).body.code).toBe(
      'duplicate-service-account-name',
    );
  });

  it('feeds a key result: a check-in without confidence by integration:<name>; people keep confidence', async () => {
    const { apiKey } = await createAccount('amplitude-feed', { teams: ['growth'] });
    await t.call('POST', `/api/v1/key-results/${keyResultId}/check-ins`, { body: { value: 25, confidence: 6, effectiveAt: '2026-10-05' } });
    const sent = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, {
      body: { value: 31.5, measuredAt: '2026-10-19', source: 'amplitude', link: 'https://analytics.example.com/chart/42' },
      token: apiKey,
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ keyResultId, status: 'recorded', source: 'amplitude' });

    const list = await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ value: 25, confidence: 6 }),
      { id: sent.body.id, keyResultId, value: 31.5, source: 'amplitude', link: 'https://analytics.example.com/chart/42', effectiveAt: '2026-10-19', recordedAt: expect.any(String), corrections: 0 },
    ]);
    const history = await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`);
    expect(history.status).toBe(200);
    const [event] = (await readStream(t, `checkins-${keyResultId}`)).filter((e) => e.type === 'MeasurementRecorded');
    expect(event?.metadata.actor).toBe('integration:amplitude-feed');

    const again = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, {
      body: { value: 31.5, measuredAt: '2026-10-19T00:00:00Z'.slice(0, 10), source: 'amplitude' },
      token: apiKey,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: sent.body.id, status: 'unchanged' });
    const conflicting = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, {
      body: { value: 40, measuredAt: '2026-10-19', source: 'amplitude' },
      token: apiKey,
    });
    expect(conflicting.status).toBe(422);
    expect(conflicting.body).toMatchObject({ code: 'measurement-conflicts', detail: expect.stringContaining('amplitude already sent 31.5') });
  });

  it('takes a batch, idempotent per (source, key result, measuredAt): a retried batch records nothing new', async () => {
    const { apiKey } = await createAccount('bi-nightly', { teams: ['growth'] });
    const items = [
      { keyResultId, value: 32, measuredAt: '2026-10-20T06:00:00Z', source: 'looker' },
      { keyResultId: otherKeyResultId, value: 12, measuredAt: '2026-10-20T06:00:00Z', source: 'looker' },
      { keyResultId, value: 33, measuredAt: '2027-03-01', source: 'looker' },
    ];
    const first = await t.call('POST', '/api/v1/measurements', { body: { items }, token: apiKey });
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { status: string }) => i.status)).toEqual(['recorded', 'recorded', 'refused']);
    expect(first.body.items[2]).toMatchObject({ code: 'effective-at-in-future' });
    const before = await countEvents(t.store);
    const retried = await t.call('POST', '/api/v1/measurements', {
      body: { items: items.slice(0, 2).map((i) => ({ ...i, measuredAt: '2026-10-20T06:00:00.000Z' })) },
      token: apiKey,
    });
    expect(retried.body.items.map((i: { status: string; id: string }) => [i.status, i.id])).toEqual([
      ['unchanged', first.body.items[0].id],
      ['unchanged', first.body.items[1].id],
    ]);
    expect(await countEvents(t.store)).toBe(before);
  });

  it('enforces the scope (403, nothing written), refuses people and unknown key results', async () => {
    const narrow = await createAccount('crm-one-kr', { keyResultIds: [keyResultId] });
    const otherTeam = await createAccount('core-analytics', { teams: ['core'] });
    const before = await countEvents(t.store);
    const body = { items: [{ keyResultId, value: 1, measuredAt: '2026-10-21', source: 'crm' }, { keyResultId: otherKeyResultId, value: 1, measuredAt: '2026-10-21', source: 'crm' }] };
    const outOfScope = await t.call('POST', '/api/v1/measurements', { body, token: narrow.apiKey });
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body).toMatchObject({ code: 'out-of-scope', detail: expect.stringContaining('crm-one-kr') });
    const single = { value: 1, measuredAt: '2026-10-21', source: 'crm' };
    expect((await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, { body: single, token: otherTeam.apiKey })).status).toBe(403);
    const person = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, { body: single });
    expect(person.status).toBe(403);
    expect(person.body).toMatchObject({ code: 'permission-denied', details: { permission: 'measurement:record' } });
    expect((await t.call('POST', `/api/v1/key-results/${UNKNOWN}/measurements`, { body: single, token: narrow.apiKey })).status).toBe(404);
    const bad = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, { body: { value: 'a lot', measuredAt: 'yesterday', source: '' }, token: narrow.apiKey });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['measuredAt', 'source', 'value']);
    expect(await countEvents(t.store)).toBe(before);
  });

  it('a service account can do nothing else, and a rotated or revoked key stops working', async () => {
    const account = await createAccount('sheets-sync', { teams: ['growth'] });
    const elsewhere = await t.call('POST', '/api/v1/learnings', { body: { keyResultIds: [keyResultId], tried: 'x', result: 'validated', insight: 'y' }, token: account.apiKey });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.code).toBe('api-key-not-allowed');
    expect((await t.call('GET', `/api/v1/key-results/${keyResultId}/check-ins`, { token: account.apiKey })).status).toBe(403);

    const rotated = await t.call('POST', `/api/v1/service-accounts/${account.id}/key-rotations`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.apiKey).not.toBe(account.apiKey);
    const single = { value: 2, measuredAt: '2026-10-22', source: 'sheets' };
    const old = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, { body: single, token: account.apiKey });
    expect(old.status).toBe(401);
    expect((await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, { body: single, token: rotated.body.apiKey })).status).toBe(201);

    const revoked = await t.call('POST', `/api/v1/service-accounts/${account.id}/revocation`, { body: { reason: 'Replaced by the BI feed' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    expect(revoked.body).not.toHaveProperty('keyId');
    const after = await t.call('POST', `/api/v1/key-results/${keyResultId}/measurements`, { body: { ...single, measuredAt: '2026-10-23' }, token: rotated.body.apiKey });
    expect(after.status).toBe(401);
    const forged = `${rotated.body.apiKey.slice(0, -4)}AAAA`;
    expect((await t.call('POST', '/api/v1/measurements', { body: { items: [{ keyResultId, ...single }] }, token: forged })).status).toBe(401);
  });
});

async function readStream(t: CheckInsTestApp, streamId: string) {
  const events = [];
  for await (const event of t.store.readStream(streamId)) events.push(event);
  return events;
}
